"""The demo province (Sơn La after the 2025 reform): data files and the seeding that loads them."""
