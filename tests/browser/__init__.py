def admin_log_in(page, login_url, username, password):
    """Log in through the Wagtail admin's own login form."""
    page.goto(login_url)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/admin/")
