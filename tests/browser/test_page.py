#!/usr/bin/env python3
"""Browser test of the `wenda serve` search page in headless Chromium.

Starts the real server on loopback port 0 over the seed corpus plus
fixture.jsonl, drives the page with Selenium: types 低保户要交医保吗, checks
the suggestions and the highlighted results, keyboard navigation, that
records holding markup show as text, that code-point highlight offsets
survive an emoji and a CJK Extension B character, that the page fits a
phone screen and makes no request outside the service. Exits 77 (CTest
SKIP) when Chromium, chromedriver or Selenium is missing.

usage: test_page.py --wenda BIN --seeds DIR [--out DIR]
"""
import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import json
import urllib.parse
import urllib.request

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))


def find(*names):
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--wenda", required=True)
    ap.add_argument("--seeds", required=True)
    ap.add_argument("--out", default=tempfile.gettempdir())
    args = ap.parse_args()

    chromium = find("chromium", "chromium-browser", "google-chrome")
    driver = find("chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.common.by import By
        from selenium.webdriver.common.keys import Keys
        from selenium.webdriver.support.ui import WebDriverWait
    except ImportError:
        print("SKIP: python3-selenium is not installed")
        return SKIP
    if not chromium or not driver:
        print("SKIP: chromium or chromedriver is not installed")
        return SKIP

    tmp = tempfile.mkdtemp(prefix="wenda-browser-")
    server = None
    browser = None
    try:
        index = os.path.join(tmp, "index")
        subprocess.run([args.wenda, "index", "--index", index, args.seeds,
                        os.path.join(HERE, "fixture.jsonl")],
                       check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen([args.wenda, "serve", "--index", index,
                                   "--listen", "127.0.0.1:0"],
                                  stdout=subprocess.PIPE, text=True)
        line = server.stdout.readline()
        port = int(line.split("127.0.0.1:")[1].split("/")[0])
        base = "http://127.0.0.1:%d" % port

        opts = webdriver.ChromeOptions()
        opts.binary_location = chromium
        for flag in ("--headless", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--window-size=1200,900",
                     "--lang=zh-CN"):
            opts.add_argument(flag)
        service = webdriver.ChromeService(executable_path=driver) \
            if hasattr(webdriver, "ChromeService") \
            else webdriver.chrome.service.Service(executable_path=driver)
        browser = webdriver.Chrome(service=service, options=opts)
        wait = WebDriverWait(browser, 15)

        browser.get(base + "/")
        box = browser.find_element(By.ID, "q")
        # Suggestions appear after a few typed characters, the typed text
        # highlighted; then the whole question is typed and searched.
        box.send_keys("低保户")
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#suggestions li mark"))
        sugg = browser.find_elements(By.CSS_SELECTOR, "#suggestions li")
        assert sugg and all(li.find_element(By.TAG_NAME, "mark").text == "低保户" for li in sugg)
        box.send_keys("要交医保吗")
        assert box.get_attribute("value") == "低保户要交医保吗"
        box.send_keys(Keys.ENTER)
        wait.until(lambda b: b.find_element(By.ID, "results").get_attribute("data-state") == "done")
        results = browser.find_elements(By.CSS_SELECTOR, "#results li.result")
        assert len(results) >= 3, "too few results: %d" % len(results)
        marks = browser.find_elements(By.CSS_SELECTOR, "#results li.result .snippet mark")
        assert marks, "no highlighted words in the snippets"
        words = {m.text for m in marks}
        assert words & {"低保户", "低保", "医保", "交"}, words
        assert "低保户要交医保吗" in browser.current_url or "%E4%BD%8E" in browser.current_url
        browser.save_screenshot(os.path.join(args.out, "wenda-page.png"))
        # Answered: no notice, each result says how sure it is.
        assert not browser.find_element(By.ID, "notice").is_displayed()
        assert "可信度" in browser.find_element(By.CSS_SELECTOR, "#results li.result .meta").text

        # Keyboard: j moves into the results, / back to the box.
        browser.find_element(By.TAG_NAME, "body").send_keys("j")
        assert "result" in browser.switch_to.active_element.get_attribute("class").split()
        browser.switch_to.active_element.send_keys("/")
        assert browser.switch_to.active_element.get_attribute("id") == "q"

        # A question the knowledge base does not answer: the page says so plainly
        # and shows the closest records set apart, not as answers.
        box = browser.find_element(By.ID, "q")
        box.clear()
        box.send_keys("商标注册要准备什么材料")
        box.send_keys(Keys.ENTER)
        wait.until(lambda b: b.find_element(By.ID, "results").get_attribute("data-state") == "done"
                   and "商标" in b.current_url + urllib.parse.unquote(b.current_url))
        notice = browser.find_element(By.ID, "notice")
        assert notice.is_displayed() and "没有找到可靠答案" in notice.text, notice.text
        closest = browser.find_element(By.ID, "results")
        assert "closest" in closest.get_attribute("class").split()
        assert browser.find_elements(By.CSS_SELECTOR, "#results li.result"), "closest records not shown"
        browser.save_screenshot(os.path.join(args.out, "wenda-page-unanswered.png"))

        # Arrow keys pick a suggestion, Enter searches for it.
        box = browser.find_element(By.ID, "q")
        box.clear()
        box.send_keys("医保卡丢")
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#suggestions li"))
        first = browser.find_element(By.CSS_SELECTOR, "#suggestions li")
        # The fixture's question starts with markup, an emoji and U+20000: the
        # highlight must still fall exactly on 医保卡丢 and the markup is text.
        assert first.find_element(By.TAG_NAME, "mark").text == "医保卡丢", first.text
        assert first.text.startswith("<script>window.__xss=1</script>"), first.text
        box.send_keys(Keys.ARROW_DOWN)
        assert first.get_attribute("aria-selected") == "true"
        box.send_keys(Keys.ENTER)
        wait.until(lambda b: b.find_element(By.ID, "results").get_attribute("data-state") == "done"
                   and b.find_elements(By.CSS_SELECTOR, "#results li.result h2"))
        h2 = browser.find_element(By.CSS_SELECTOR, "#results li.result h2")
        assert h2.text.startswith("<script>window.__xss=1</script>😀𠀀医保卡丢"), h2.text
        snippet = browser.find_element(By.CSS_SELECTOR, "#results li.result .snippet")
        assert '<img src=x onerror="window.__xss=2">' in snippet.text, snippet.text
        assert not browser.find_elements(By.CSS_SELECTOR, "#results script, #results img, #suggestions script")
        assert browser.execute_script("return window.__xss === undefined")
        # Highlights after the emoji and U+20000 land on the right characters.
        # Python strings index code points, as the API's offsets do.
        smarks = [m.text for m in snippet.find_elements(By.TAG_NAME, "mark")]
        q = browser.execute_script("return new URLSearchParams(location.search).get('q')")
        with urllib.request.urlopen(base + "/api/search?n=1&q=" + urllib.parse.quote(q)) as r:
            hit = json.load(r)["hits"][0]
        want = [hit["snippet"][a:b] for a, b in hit["highlights"]]
        assert smarks == want and "𠀀" in smarks, (smarks, want)

        # The page's converter on its own: code points, not UTF-16 units.
        got = browser.execute_script(
            "const d = document.createElement('div');"
            "d.append(wendaHighlight('😀医保𠀀报销', [[1, 3], [3, 4]]));"
            "return Array.from(d.querySelectorAll('mark')).map(m => m.textContent);")
        assert got == ["医保", "𠀀"], got

        # A result opens its whole answer at an address of its own: paragraphs
        # kept, markup shown as text, a readable source (file name without
        # folders or extension, the article) and the date; Back returns.
        box = browser.find_element(By.ID, "q")
        box.clear()
        box.send_keys("醉酒驾驶机动车怎么处罚")
        box.send_keys(Keys.ENTER)
        wait.until(lambda b: b.find_element(By.ID, "results").get_attribute("data-state") == "done"
                   and "醉酒" in urllib.parse.unquote(b.current_url))
        first = browser.find_element(By.CSS_SELECTOR, "#results li.result")
        meta = first.find_element(By.CSS_SELECTOR, ".meta").text
        assert "山东省道路交通安全条例(2016-11-26) 第十七条" in meta and "2016-11-26" in meta, meta
        assert "DLC/" not in meta and ".md" not in meta, meta
        # The 2012 edition of the same article is folded into it, its id at hand.
        more = first.find_element(By.CSS_SELECTOR, "details.more")
        assert "另有 1 条相似" in more.text, more.text
        titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#results li.result h2 a.open")]
        assert titles.count("醉酒驾驶机动车的怎么处罚") == 1, titles
        more.find_element(By.TAG_NAME, "summary").click()
        assert "(2012-05-01)#第十七条" in more.find_element(By.CSS_SELECTOR, "ul a").text

        # A facet: the sources of the whole match, each a filter; the filter
        # shows as a chip that takes it off again.
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#facets .facet[data-facet=source] button"))
        want = "DLC/山东地方法规/交通/山东省道路交通安全条例(2016-11-26).md"
        button = [b for b in browser.find_elements(By.CSS_SELECTOR, "#facets .facet[data-facet=source] button")
                  if b.get_attribute("title") == want]
        assert button, [b.get_attribute("title") for b in browser.find_elements(By.CSS_SELECTOR, "#facets button")]
        assert button[0].text.startswith("山东省道路交通安全条例(2016-11-26)"), button[0].text
        button[0].click()
        wait.until(lambda b: "source=" in b.current_url
                   and b.find_element(By.ID, "results").get_attribute("data-state") == "done")
        metas = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#results li.result .meta")]
        assert metas and all("(2016-11-26)" in m for m in metas), metas
        chip = browser.find_element(By.CSS_SELECTOR, "#facets .active .chip")
        assert chip.get_attribute("data-filter") == "source"
        chip.click()
        wait.until(lambda b: "source=" not in b.current_url
                   and b.find_element(By.ID, "results").get_attribute("data-state") == "done")
        # An extra field of the records (a JSON Lines key) is a facet and a filter too.
        browser.get(base + "/?q=" + urllib.parse.quote("高血压患者"))
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#facets .facet[data-facet=department] button"))
        dept = [b for b in browser.find_elements(By.CSS_SELECTOR, "#facets .facet[data-facet=department] button")
                if b.get_attribute("title") == "外科"]
        assert dept and dept[0].text == "外科 1", [b.text for b in browser.find_elements(By.CSS_SELECTOR, "#facets button")]
        dept[0].click()
        wait.until(lambda b: "field.department=" in b.current_url
                   and b.find_element(By.ID, "results").get_attribute("data-state") == "done")
        titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#results li.result h2 a.open")]
        assert titles == ["高血压患者能做手术吗"], titles
        # A filter given in the address: only question-only records.
        browser.get(base + "/?q=" + urllib.parse.quote("低保户看病") + "&kind=question")
        wait.until(lambda b: b.find_element(By.ID, "results").get_attribute("data-state") == "done")
        kinds = browser.find_elements(By.CSS_SELECTOR, "#results li.result")
        assert kinds and all(k.find_elements(By.CSS_SELECTOR, ".badge") for k in kinds)
        browser.get(base + "/?q=" + urllib.parse.quote("醉酒驾驶机动车怎么处罚"))
        wait.until(lambda b: b.find_element(By.ID, "results").get_attribute("data-state") == "done")
        first = browser.find_element(By.CSS_SELECTOR, "#results li.result")

        first.find_element(By.CSS_SELECTOR, "h2 a").click()
        wait.until(lambda b: b.find_element(By.ID, "record").get_attribute("data-state") == "done")
        assert "id=" in browser.current_url
        paras = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#record .answer p")]
        assert len(paras) == 3 and "<b>依法追究刑事责任</b>" in paras[1], paras
        assert not browser.find_elements(By.CSS_SELECTOR, "#record b, #record script, #record img")
        assert not browser.find_element(By.ID, "results").is_displayed()
        assert not browser.find_element(By.ID, "examples").is_displayed()
        record_url = browser.current_url
        browser.back()
        wait.until(lambda b: b.find_element(By.ID, "results").is_displayed()
                   and b.find_element(By.ID, "results").get_attribute("data-state") == "done")
        # The address is shareable: opened afresh, it shows the same record.
        browser.get(record_url)
        wait.until(lambda b: b.find_element(By.ID, "record").get_attribute("data-state") == "done")
        assert browser.find_element(By.CSS_SELECTOR, "#record h2").text == "醉酒驾驶机动车的怎么处罚"
        # The markup record's whole answer is text too.
        browser.get(base + "/?id=fx-1")
        wait.until(lambda b: b.find_element(By.ID, "record").get_attribute("data-state") == "done")
        assert '<img src=x onerror="window.__xss=2">' in browser.find_element(By.ID, "record").text
        assert browser.execute_script("return window.__xss === undefined")

        # The title and example questions come from the index (/api/info), not the HTML.
        browser.get(base + "/")
        with urllib.request.urlopen(base + "/api/info") as r:
            info = json.load(r)
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#examples .example"))
        shown = [e.text for e in browser.find_elements(By.CSS_SELECTOR, "#examples .example")]
        assert shown == info["examples"] and shown, (shown, info)
        assert "低保户要交医保吗" not in browser.page_source or "低保户要交医保吗" in shown
        browser.find_elements(By.CSS_SELECTOR, "#examples .example")[0].click()
        wait.until(lambda b: b.find_element(By.ID, "results").get_attribute("data-state") == "done")
        assert browser.find_elements(By.CSS_SELECTOR, "#results li.result")

        # Pinyin typed in the box: suggestions by sound; searched, it is read
        # as the Chinese it spells, and the status line says so.
        browser.get(base + "/")
        box = browser.find_element(By.ID, "q")
        box.send_keys("yidijiuyi")
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "#suggestions li mark"))
        pmarks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "#suggestions li mark")]
        assert "异地就医" in pmarks, pmarks
        box.send_keys(Keys.ENTER)
        wait.until(lambda b: b.find_element(By.ID, "results").get_attribute("data-state") == "done")
        line = browser.find_element(By.ID, "status").text
        assert "按拼音 yidijiuyi 查：异地就医" in line, line
        assert browser.find_elements(By.CSS_SELECTOR, "#results li.result")

        # No request left the service.
        names = browser.execute_script(
            "return performance.getEntries().map(e => e.name).filter(n => n.startsWith('http'))")
        assert all(n.startswith(base) for n in names), names

        # A phone: nothing wider than the screen.
        browser.set_window_size(390, 844)
        browser.get(base + "/?q=" + "异地就医怎么报销")
        wait.until(lambda b: b.find_element(By.ID, "results").get_attribute("data-state") == "done")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, "page wider than a phone by %dpx" % overflow
        browser.save_screenshot(os.path.join(args.out, "wenda-page-phone.png"))
        # The record view on a phone: nothing wider than the screen either.
        browser.get(record_url)
        wait.until(lambda b: b.find_element(By.ID, "record").get_attribute("data-state") == "done")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, "record view wider than a phone by %dpx" % overflow
        browser.save_screenshot(os.path.join(args.out, "wenda-record-phone.png"))
        # The coverage report on a phone: charts scaled to the screen, the
        # table in cards, nothing cut off or wider than the screen.
        qfile = os.path.join(tmp, "q.txt")
        with open(qfile, "w", encoding="utf-8") as f:
            f.write("低保户要交医保吗\n公积金怎么提取\n医保断缴了卡里的钱还在吗一个很长很长很长很长的问题\n")
        report = os.path.join(tmp, "report.html")
        subprocess.run([args.wenda, "coverage", "--index", index, "--format", "html", "-o", report,
                        qfile], check=True, stdout=subprocess.DEVNULL)
        browser.get("file://" + report)
        wide = browser.execute_script(
            "return Array.from(document.querySelectorAll('body *'))"
            ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
            ".map(e => e.tagName + '.' + e.getAttribute('class'))")
        assert not wide, "coverage report wider than a phone: %s" % wide[:5]
        charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
        assert len(charts) == 2 and all(c.size["width"] > 200 for c in charts), \
            [c.size for c in charts]
        browser.save_screenshot(os.path.join(args.out, "wenda-coverage-phone.png"))
        print("browser test ok; screenshots in", args.out)
        return 0
    finally:
        if browser:
            browser.quit()
        if server:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
