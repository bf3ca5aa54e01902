"""Debian's Chromium driven by Playwright for the browser tests: one place for its path and
flags (headless, no sandbox in containers, nothing that calls home during a test)."""

from contextlib import contextmanager

from playwright.sync_api import sync_playwright

CHROMIUM_PATH = "/usr/bin/chromium"  # Debian's package; the tests never download a browser
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium():
    """A headless Chromium, closed on the way out."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def sign_in(page, email: str, password: str) -> None:
    """Sign in through the login form, as a person does (the page's base URL is the live server)."""
    page.goto("/accounts/login/")
    page.locator('[name="username"]').fill(email)
    page.locator('[name="password"]').fill(password)
    page.get_by_role("button", name="Sign in").click()
