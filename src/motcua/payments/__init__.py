"""Payment provider registry, gateway adapters (VNPay-style, PayGov-style, fake), IPN handling."""
