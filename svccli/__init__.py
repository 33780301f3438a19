"""svccli: run a government service window (政务服务窗口) from a shell."""

__version__ = "0.1.0"
