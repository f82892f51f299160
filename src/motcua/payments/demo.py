"""What `motcua demo` needs to run the fake gateway beside the server (called by the demo command).

    env = fake_gateway_environment(host, port)       # before starting the children
    os.environ.update({k: v for k, v in env.items() if k not in os.environ})
    children.append(subprocess.Popen(fake_gateway_command(sys.executable, host, port)))

The server child inherits the environment, so its `vnpay` provider points at the fake gateway; a
real merchant configuration already in the environment wins (nothing is overwritten).
"""

from __future__ import annotations

FAKE_TMN_CODE = "MOTCUADEMO"
FAKE_SECRET = "demo-only-not-a-secret"  # noqa: S105 (the fake gateway of the demo; no real money)


def gateway_port(port: int) -> int:
    return port + 1


def fake_gateway_environment(host: str, port: int) -> dict[str, str]:
    """Environment variables that point the `vnpay` provider at the demo's fake gateway."""
    return {
        "MOTCUA_VNPAY_ENABLED": "true",
        "MOTCUA_VNPAY_TMN_CODE": FAKE_TMN_CODE,
        "MOTCUA_VNPAY_HASH_SECRET": FAKE_SECRET,
        "MOTCUA_VNPAY_PAY_URL": f"http://{host}:{gateway_port(port)}/paymentv2/vpcpay.html",
        "MOTCUA_FAKE_GATEWAY_IPN_URL": f"http://{host}:{port}/thanh-toan/ipn/vnpay/",
    }


def fake_gateway_command(python: str, host: str, port: int) -> list[str]:
    """The child process: the fake gateway on port + 1, reading its merchant and IPN URL from the environment."""
    return [python, "-m", "motcua", "fake-gateway", "--host", host, "--port", str(gateway_port(port))]
