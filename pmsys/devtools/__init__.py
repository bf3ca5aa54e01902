"""Developer tooling behind `make run` and `make test`: embedded services, the process
supervisor and the test pipeline. Nothing here is imported by the application itself."""
