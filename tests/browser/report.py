#!/usr/bin/env python3
"""Drives the HTML report in headless Chromium through WebDriver (selenium, Debian's
chromium and chromium-driver; nothing is downloaded).

  report.py check REPORT EXPECT.json   the checks of tests/tests/browser.rs (see there)
  report.py load REPORT                loads a report, prints its first-render time as JSON
  report.py hostile REPORT             loads a report whose strings try to run script,
                                       clicks every row and steps through every event;
                                       prints whether any of it ran
  report.py screenshot REPORT OUT.png [VARIABLE_ID [STEP]]
                                       a screenshot, with a variable selected and the
                                       step-through at STEP if given

Prints one JSON object on stdout; exits 1 with a message on stderr when a check fails.
"""

import json
import shutil
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def browser(width=1400, height=900):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver")
    if not chromium or not driver_path:
        fail("chromium and chromedriver are needed: apt-get install chromium chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--window-size={width},{height}", "--no-first-run", "--disable-background-networking"]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(driver_path), options=options)


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def open_report(driver, path, timeout=120):
    start = time.monotonic()
    driver.get("file://" + path)
    while time.monotonic() - start < timeout:
        if driver.execute_script("return !!(window.borrowscope && window.borrowscope.ready)"):
            return time.monotonic() - start
        time.sleep(0.05)
    fail(f"the report did not finish rendering in {timeout} s: {path}")


def console_errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


def click_variable(driver, var_id):
    scroller = driver.find_element(By.ID, "scroller")
    top = driver.execute_script("return window.borrowscope.rowTop(arguments[0])", var_id)
    if top < 0:
        fail(f"variable #{var_id} has no row")
    driver.execute_script("arguments[0].scrollTop = arguments[1]", scroller, max(0, top - 40))
    time.sleep(0.1)
    canvas = driver.find_element(By.ID, "timeline")
    scrolled = driver.execute_script("return arguments[0].scrollTop", scroller)
    size = canvas.size
    # Offsets are from the canvas's centre: the row's label, left of the lifelines.
    x, y = 60, top - scrolled + 9
    ActionChains(driver).move_to_element_with_offset(canvas, x - size["width"] // 2, y - size["height"] // 2).click().perform()
    time.sleep(0.1)
    return driver.find_element(By.ID, "details").text


def check(path, expect_path):
    with open(expect_path) as f:
        expect = json.load(f)
    driver = browser()
    try:
        seconds = open_report(driver, path)
        errors = console_errors(driver)
        if errors:
            fail(f"console errors: {errors}")
        rows = driver.execute_script("return window.borrowscope.rows()")
        if sorted(rows) != sorted(expect["instances"]):
            fail(f"the timeline's rows {sorted(rows)} are not the trace's variable instances {sorted(expect['instances'])}")
        if int(driver.find_element(By.ID, "timeline").get_attribute("data-rows")) != len(expect["instances"]):
            fail("the canvas's row count differs")
        for var in expect.get("click", []):
            details = click_variable(driver, var["id"])
            if driver.find_element(By.ID, "details").get_attribute("data-selected") != str(var["id"]):
                fail(f"clicking the row of #{var['id']} did not select it: {details}")
            for text in var["shows"]:
                if text not in details:
                    fail(f"the details of #{var['id']} do not say {text!r}:\n{details}")
        lines = []
        body = driver.find_element(By.TAG_NAME, "body")
        for step in expect.get("steps", []):
            ActionChains(driver).send_keys_to_element(body, Keys.ARROW_RIGHT).perform()
            now = driver.execute_script("return window.borrowscope.step()")
            current = driver.execute_script("const el = document.querySelector('#source .ln.current'); return el ? +el.dataset.line : null")
            if now != step["step"]:
                fail(f"the right arrow went to step {now}, not {step['step']}")
            if current != step["line"]:
                fail(f"at step {now} the highlighted source line is {current}, not {step['line']}")
            lines.append(current)
        if expect.get("steps") and len(set(lines)) < 2:
            fail(f"stepping never moved the highlighted line: {lines}")
        errors = console_errors(driver)
        if errors:
            fail(f"console errors after interacting: {errors}")
        print(json.dumps({"rendered_seconds": seconds, "rows": len(rows)}))
    finally:
        driver.quit()


def load(path):
    driver = browser()
    try:
        seconds = open_report(driver, path)
        errors = console_errors(driver)
        if errors:
            fail(f"console errors: {errors}")
        rendered = driver.execute_script("return window.borrowscope.renderedAt")
        rows = driver.execute_script("return window.borrowscope.rows().length")
        # Something was drawn: the first variable row's lifeline is not blank.
        drawn = driver.execute_script("""
            const c = document.getElementById('timeline'), ctx = c.getContext('2d');
            const d = ctx.getImageData(0, 0, c.width, Math.min(c.height, 200)).data;
            let ink = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 3] && (d[i] < 200 || d[i + 2] < 200)) ink++;
            return ink;""")
        # Still responsive: scrolling to the end and stepping are quick.
        t = time.monotonic()
        driver.execute_script("const s = document.getElementById('scroller'); s.scrollTop = s.scrollHeight;")
        driver.execute_script("window.borrowscope.goTo(window.borrowscope.step() + 1)")
        responsive = time.monotonic() - t
        print(json.dumps({"load_seconds": seconds, "first_render_ms": rendered, "rows": rows, "ink": drawn, "scroll_and_step_seconds": responsive}))
    finally:
        driver.quit()


def hostile(path):
    """Everything the page shows is rendered (each row's details, each step's source line);
    an injected script would set window.__pwned, an injected element carry onerror."""
    driver = browser()
    try:
        open_report(driver, path)
        rows = driver.execute_script("return window.borrowscope.rows()")
        for var_id in rows:
            click_variable(driver, var_id)
        steps = 0
        while steps < 200:
            before = driver.execute_script("return window.borrowscope.step()")
            driver.execute_script("document.getElementById('next').click()")
            if driver.execute_script("return window.borrowscope.step()") == before:
                break
            steps += 1
        time.sleep(0.3)
        pwned = driver.execute_script("return window.__pwned === undefined ? null : window.__pwned")
        injected = driver.execute_script("return document.querySelectorAll('[onerror], iframe, object, embed').length")
        scripts = driver.execute_script("return document.scripts.length")
        text = driver.find_element(By.TAG_NAME, "body").text
        print(json.dumps({"pwned": pwned, "injected": injected, "scripts": scripts, "rows": len(rows), "steps": steps,
                          "shows_hostile_text": "onerror=" in text}))
    finally:
        driver.quit()


def screenshot(path, out, var_id=None, step=None):
    driver = browser(1400, 860)
    try:
        open_report(driver, path)
        if step is not None:
            driver.execute_script("window.borrowscope.goTo(arguments[0])", int(step))
        if var_id is not None:
            click_variable(driver, int(var_id))
            if step is not None:
                driver.execute_script("window.borrowscope.goTo(arguments[0])", int(step))
        driver.save_screenshot(out)
        print(json.dumps({"screenshot": out}))
    finally:
        driver.quit()


if __name__ == "__main__":
    if len(sys.argv) >= 4 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 3 and sys.argv[1] == "hostile":
        hostile(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "load":
        load(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "screenshot":
        screenshot(sys.argv[2], sys.argv[3], *sys.argv[4:6])
    else:
        fail(__doc__)
