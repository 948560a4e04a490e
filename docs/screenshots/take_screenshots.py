"""Screenshot every page of the review app for one run directory, in headless Chromium.

    python docs/screenshots/take_screenshots.py RUN_DIR PREFIX [--allow-pickle MODEL]
        [--predict-text TEXT | --predict-image PNG]

writes ``docs/screenshots/PREFIX-{issues,health,predict,export}.png``. The run's
``review.sqlite`` receives the decisions made for the pictures (accept, then keep).

The committed pictures come from::

    fastclean find mnist-test --noise 10 --model logreg --folds 3 --out mnist-run
    fastclean find covid-tweets --split test --model tfidf-logreg --out tweets-run

each with a scikit-learn ``model/model.joblib`` added by hand for the Predict page (a logistic
regression on 3 000 MNIST pixels; TF-IDF + logistic regression fitted on the train tweets),
shown with ``--allow-pickle``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.review.server import browser_page, serving, wait_for_app  # noqa: E402

OUT = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("run_dir", type=Path)
    parser.add_argument("prefix")
    parser.add_argument("--allow-pickle", type=Path)
    parser.add_argument("--predict-text")
    parser.add_argument("--predict-image", type=Path)
    args = parser.parse_args()
    extra = ["--allow-pickle", str(args.allow_pickle)] if args.allow_pickle else []
    with serving(args.run_dir, *extra) as (url, _), browser_page(1400, 1050) as page:
        page.goto(url)
        page.get_by_role("button", name="Accept").wait_for()
        wait_for_app(page)
        page.get_by_role("button", name="Accept").click()
        wait_for_app(page)
        page.keyboard.press("k")
        wait_for_app(page)
        page.mouse.move(5, 1000)  # no hover tooltip in the picture
        page.wait_for_timeout(4000)  # let the toasts fade
        page.screenshot(path=str(OUT / f"{args.prefix}-issues.png"))
        headers = {"Health": "Dataset health", "Predict": "Predict",
                   "Export": "Export cleaned labels"}
        for name, header in headers.items():
            page.get_by_text(name, exact=True).first.click()
            page.get_by_role("heading", name=header).wait_for()
            wait_for_app(page)
            if name == "Predict" and args.predict_text:
                page.get_by_role("textbox").fill(args.predict_text)
                page.keyboard.press("Control+Enter")
                wait_for_app(page)
                page.get_by_role("button", name="Predict").click()
                page.get_by_text("Predicted label").wait_for()
                wait_for_app(page)
            if name == "Predict" and args.predict_image:
                page.locator('input[type="file"]').set_input_files(str(args.predict_image))
                wait_for_app(page)
                page.get_by_role("button", name="Predict").click()
                page.get_by_text("Predicted label").wait_for()
                wait_for_app(page)
            page.mouse.move(5, 1000)
            page.wait_for_timeout(1500)
            page.screenshot(path=str(OUT / f"{args.prefix}-{name.lower()}.png"))
    print(f"wrote {OUT}/{args.prefix}-*.png")


if __name__ == "__main__":
    main()
