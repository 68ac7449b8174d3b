"""Training jobs: validation and start (service), scheduling (manager), running one job (driver)."""
