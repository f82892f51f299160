"""Periodic TTHC report, QĐ 766 index, dashboards, public transparency, exports."""
