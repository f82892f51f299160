"""What `motcua demo` needs to run the fake gateway beside the server (called by the demo command).

    env = fake_gateway_environment(host, port)       # before starting the children
    os.environ.update({k: v for k, v in env.items() if k not in os.environ})
    children.append(subprocess.Popen(fake_gateway_command(sys.executable, host, port)))

The server child inherits the environment, so its `vnpay` provider points at the fake gateway and
its `paygov` provider at the fake national platform (same process, same port); a real merchant
configuration already in the environment wins (nothing is overwritten).
"""

from __future__ import annotations

FAKE_TMN_CODE = "MOTCUADEMO"
FAKE_SECRET = "demo-only-not-a-secret"  # noqa: S105 (the fake gateway of the demo; no real money)
FAKE_PAYGOV_PARTNER = "MOTCUADEMO"
FAKE_PAYGOV_SECRET = "demo-only-paygov-not-a-secret"  # noqa: S105 (the demo's fake platform)


def gateway_port(port: int) -> int:
    return port + 1


def fake_gateway_environment(host: str, port: int) -> dict[str, str]:
    """Environment variables that point the `vnpay` provider at the demo's fake gateway and the
    `paygov` provider at the fake national payment platform served by the same process, so the
    demo's citizen chooses between the two."""
    gateway = f"http://{host}:{gateway_port(port)}"
    return {
        "MOTCUA_VNPAY_ENABLED": "true",
        "MOTCUA_VNPAY_TMN_CODE": FAKE_TMN_CODE,
        "MOTCUA_VNPAY_HASH_SECRET": FAKE_SECRET,
        "MOTCUA_VNPAY_PAY_URL": f"{gateway}/paymentv2/vpcpay.html",
        "MOTCUA_FAKE_GATEWAY_IPN_URL": f"http://{host}:{port}/thanh-toan/ipn/vnpay/",
        "MOTCUA_PAYGOV_ENABLED": "true",
        "MOTCUA_PAYGOV_URL": f"{gateway}/api/thanh-toan",
        "MOTCUA_PAYGOV_PARTNER_CODE": FAKE_PAYGOV_PARTNER,
        "MOTCUA_PAYGOV_SECRET": FAKE_PAYGOV_SECRET,
        "MOTCUA_FAKE_PAYGOV_RETURN_URL": f"http://{host}:{port}/thanh-toan/ket-qua/paygov/",
    }


def fake_gateway_command(python: str, host: str, port: int) -> list[str]:
    """The child process: the fake gateway on port + 1, reading its merchant and IPN URL from the environment."""
    return [python, "-m", "motcua", "fake-gateway", "--host", host, "--port", str(gateway_port(port))]
