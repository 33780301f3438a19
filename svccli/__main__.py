from svccli.cli.main import run

run()
