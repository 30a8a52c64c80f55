"""Maps and the explorer in a real headless Chromium (Debian's), driven by Playwright: they
load with no console error and no request beyond 127.0.0.1, draw every node, find a council,
and escape whatever the data holds. Screenshots go to tests/artefacts/."""

from __future__ import annotations

import html
import os
import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO, copied_store, run_cli, serving
from fastapi.testclient import TestClient
from playwright.sync_api import sync_playwright

from api import create_app
from graph import NetworkXStore, Settings
from loaders import load_files
from visualise.colours import SEQUENTIAL
from visualise.maps import MapOptions, select

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTEFACTS = REPO / "tests" / "artefacts"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
NO_BROWSER = (
    "BROWSER TESTS NOT RUN: no chromium at /usr/bin/chromium "
    "(apt-get install chromium chromium-driver; .ci/run does)"
)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(NO_BROWSER)
        pytest.skip(NO_BROWSER)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page with its console errors, page errors, dialogs and requests recorded."""

    def __init__(self, browser: Any, width: int = 1200, height: int = 1000) -> None:
        self.page = browser.new_page(viewport={"width": width, "height": height},
                                     accept_downloads=True)  # fmt: skip
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def outside(self) -> list[str]:
        local = re.compile(
            r"^(file://|data:|about:|blob:http://127\.0\.0\.1[:/]|http://127\.0\.0\.1[:/])"
        )
        return [u for u in self.requests if not local.match(u)]

    def drawn(self, frame: Any = None) -> int:
        target = frame or self.page
        target.wait_for_function("window.partnermap && window.partnermap.drawn", timeout=30_000)
        count: int = target.evaluate("window.partnermap.network.body.data.nodes.length")
        return count


def test_uk_map_opens_offline_and_draws_every_node(
    browser: Any, loaded_home: Path, loaded: NetworkXStore, tmp_path: Path
) -> None:
    out = tmp_path / "uk.html"
    result = run_cli(loaded_home, "map", "--out", str(out))
    assert result.returncode == 0, result.stderr
    expected = select(loaded.graph(date.today()), MapOptions())
    assert f"{expected.number_of_nodes()} nodes" in result.stdout
    html = out.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=", html)  # everything inlined
    assert "default-src 'none'" in html  # and the page may fetch nothing at all
    w = Watched(browser)
    w.page.goto(out.as_uri())
    assert w.drawn() == expected.number_of_nodes() > 400
    edges = w.page.evaluate("window.partnermap.network.body.data.edges.length")
    assert edges == expected.number_of_edges()
    w.page.fill("#q", "leeds")
    w.page.click("#search button")
    assert w.page.evaluate("window.partnermap.network.getSelectedNodes()") == ["E08000035"]
    assert w.page.text_content("#found") == "Leeds"
    w.page.fill("#q", "Atlantis")
    w.page.click("#search button")
    assert w.page.text_content("#found") == "not found"
    # Leeds is drawn north of London and east of Liverpool: the layout is geographic
    where = w.page.evaluate(
        "window.partnermap.network.getPositions(['E08000035', 'E09000033', 'E08000012'])"
    )
    assert where["E08000035"]["y"] < where["E09000033"]["y"]
    assert where["E08000035"]["x"] > where["E08000012"]["x"]
    # every council's shape is drawn under the network, in the same projection: each council
    # sits inside its own shape (Leeds inside Leeds, not Bradford)
    councils = sorted(n for n, d in expected.nodes(data=True) if d.get("kind") == "council")
    assert w.page.evaluate("window.partnermap.shapesDrawn") == len(councils) == 382
    inside = w.page.evaluate("""() => {
        var ctx = document.createElement("canvas").getContext("2d"), out = {};
        var at = window.partnermap.network.getPositions();
        window.partnermap.areas.forEach(function (a) {
            var p = at[a.node]; out[a.code] = !!p && ctx.isPointInPath(a.path, p.x, p.y); });
        return out; }""")
    assert inside["E08000035"] and inside["E08000032"] is True  # Leeds, Bradford
    outside_own = sorted(c for c, hit in inside.items() if not hit)
    assert len(outside_own) <= 10, outside_own  # a centroid off a ragged coast at most
    # the shapes are coloured by the measure chosen, and the legend says what colours mean
    fill = "Object.fromEntries(window.partnermap.areas.map(a => [a.code, a.fill]))"
    assert w.page.evaluate("window.partnermap.colourBy") == "cluster"
    w.page.select_option("#colour-by", "combined_authority")
    fills = w.page.evaluate(fill)
    assert fills["E08000035"] == fills["E08000032"] != fills["E08000003"]  # WY, WY, GM
    assert "West Yorkshire (5)" in w.page.text_content(".colours")
    w.page.select_option("#colour-by", "population")
    fills = w.page.evaluate(fill)
    assert fills["E08000025"] == SEQUENTIAL[-1] and fills["E06000053"] == SEQUENTIAL[0]
    assert "Councils coloured by population" in w.page.text_content(".colours")
    assert w.page.is_visible(".legend") and "shared service" in w.page.text_content(".legend")
    ARTEFACTS.mkdir(exist_ok=True)
    w.page.screenshot(path=str(ARTEFACTS / "uk-map.png"))
    assert w.errors == [] and w.outside() == [] and w.dialogs == []


def test_uk_map_is_legible_and_a_click_shows_a_councils_card(
    browser: Any, loaded_home: Path, tmp_path: Path
) -> None:
    """At the UK view names never overlap (the label boxes drawn are disjoint) and the largest
    councils are named; a click on Leeds shows its card and fades all but its network."""
    out = tmp_path / "uk.html"
    assert run_cli(loaded_home, "map", "--out", str(out)).returncode == 0
    w = Watched(browser)
    w.page.goto(out.as_uri())
    w.drawn()
    boxes = w.page.evaluate("window.partnermap.labelBoxes")
    assert len(boxes) > 40
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            apart = (
                a["x1"] <= b["x0"] or b["x1"] <= a["x0"] or a["y1"] <= b["y0"] or b["y1"] <= a["y0"]
            )
            assert apart, (a, b)
    ARTEFACTS.mkdir(exist_ok=True)
    w.page.screenshot(path=str(ARTEFACTS / "uk-map-clusters.png"))
    named = {b["id"] for b in boxes}
    assert {"S12000049", "E06000052"} <= named  # Glasgow City, Cornwall
    assert sum(i.startswith("E47") for i in named) >= 8  # combined authorities first
    london = sum(i.startswith("E09") for i in named)
    w.page.evaluate("""() => { var n = window.partnermap.network;
        n.moveTo({position: n.getPositions(['E09000033'])['E09000033'], scale: n.getScale() * 8,
                  animation: false}); n.redraw(); }""")  # fmt: skip
    for _ in range(40):  # the next frame draws the names of the zoomed view
        zoomed = {b["id"] for b in w.page.evaluate("window.partnermap.labelBoxes")}
        if sum(i.startswith("E09") for i in zoomed) > london + 5:
            break
        w.page.wait_for_timeout(50)
    assert sum(i.startswith("E09") for i in zoomed) > london + 5  # names appear as you zoom in
    w.page.evaluate("window.partnermap.network.fit({animation: false})")
    where = w.page.evaluate("""() => { var n = window.partnermap.network;
        var p = n.canvasToDOM(n.getPositions(['E08000035'])['E08000035']);
        var r = document.querySelector('.map').getBoundingClientRect();
        return {x: r.left + p.x, y: r.top + p.y}; }""")
    w.page.mouse.click(where["x"], where["y"])
    w.page.wait_for_selector("#card:not([hidden])")
    assert w.page.text_content("#card-name") == "Leeds"
    card = w.page.text_content("#card")
    assert "West Yorkshire Joint Services" in card and "YPO" in card
    assert "GET /nodes/E08000035/opportunities" in card  # offline: the API's paths, as text
    opacity = "window.partnermap.nodes.get('{}').opacity"
    assert w.page.evaluate(opacity.format("E08000032")) == 1  # Bradford, a partner
    assert w.page.evaluate(opacity.format("E06000052")) < 0.5  # Cornwall, faded
    w.page.screenshot(path=str(ARTEFACTS / "uk-map-focus.png"))
    w.page.click("#card-close")
    assert w.page.evaluate(opacity.format("E06000052")) == 1
    assert w.errors == [] and w.outside() == [] and w.dialogs == []


def test_a_map_of_a_past_day_draws_the_councils_of_that_day(
    browser: Any, loaded_home: Path, tmp_path: Path
) -> None:
    """As at 1 June 2022 Cumbria's six districts and county are drawn, not Cumberland or
    Westmorland and Furness (vested April 2023)."""
    out = tmp_path / "2022.html"
    result = run_cli(loaded_home, "map", "--at", "2022-06-01", "--out", str(out))
    assert result.returncode == 0, result.stderr
    w = Watched(browser)
    w.page.goto(out.as_uri())
    w.drawn()
    codes = set(w.page.evaluate("window.partnermap.areas.map(a => a.code)"))
    cumbria = {"E07000026", "E07000027", "E07000028", "E07000029", "E07000030", "E07000031"}
    assert cumbria | {"E10000006"} <= codes
    assert not {"E06000063", "E06000064"} & codes
    assert w.errors == [] and w.outside() == []


def test_a_scenario_map_colours_its_new_councils_and_warns_of_what_it_splits(
    browser: Any, loaded_home: Path, tmp_path: Path
) -> None:
    """Surrey's two unitaries: each new council drawn as its predecessors' shapes in one
    colour of its own; the links to the arrangements the scenario splits drawn as warnings
    (as many as the command says); two options of Essex side by side in one file."""
    out = tmp_path / "surrey.html"
    result = run_cli(loaded_home, "map", "--scenario", "surrey-two-unitaries", "--out", str(out))
    assert result.returncode == 0, result.stderr
    warned = int(re.search(r"(\d+) links to arrangements it splits", result.stdout)[1])
    assert warned > 0
    w = Watched(browser)
    w.page.goto(out.as_uri())
    w.drawn()
    assert w.page.evaluate("window.partnermap.colourBy") == "scenario"
    fills = w.page.evaluate(
        "window.partnermap.areas.filter(a => a.node.startsWith('new:')).map(a => [a.node, a.code, a.fill])"
    )
    by_council: dict[str, set[str]] = {}
    for node, code, fill in fills:
        assert code.startswith("E0700020") or code.startswith("E0700021"), code  # Surrey's
        by_council.setdefault(node, set()).add(fill)
    assert len(fills) == 11 and set(by_council) == {"new:east-surrey", "new:west-surrey"}
    west, east = by_council["new:west-surrey"], by_council["new:east-surrey"]
    assert len(west) == len(east) == 1 and west != east
    assert "West Surrey (1)" in w.page.text_content(".colours")
    shown = w.page.evaluate("window.partnermap.edges.get({filter: e => e.warning}).length")
    assert shown == warned
    assert "an arrangement the scenario splits" in w.page.text_content(".legend")
    w.page.screenshot(path=str(ARTEFACTS / "scenario-map.png"))
    both = tmp_path / "essex.html"
    result = run_cli(loaded_home, "map", "--scenario", "essex-five-unitaries",
                     "--scenario", "essex-three-unitaries", "--out", str(both))  # fmt: skip
    assert result.returncode == 0, result.stderr
    w.page.goto(both.as_uri())
    w.page.wait_for_selector("body[data-drawn=true]")
    panels = w.page.evaluate("window.partnermaps.map(m => [m.shapesDrawn, "
                             "m.areas.filter(a => a.node.startsWith('new:')).length])")  # fmt: skip
    assert len(panels) == 2 and all(drawn > 0 and new == 14 for drawn, new in panels)
    titles = w.page.locator(".panel-title").all_text_contents()
    assert ["five" in titles[0].lower(), "three" in titles[1].lower()] == [True, True]
    assert w.page.text_content("#bar h1") == "Two options side by side: Essex"
    w.page.screenshot(path=str(ARTEFACTS / "scenario-comparison.png"))
    assert w.errors == [] and w.outside() == [] and w.dialogs == []


def test_labels_and_tooltips_are_escaped(browser: Any, tmp_path: Path) -> None:
    nodes = tmp_path / "nodes.csv"
    nodes.write_text(
        'id,kind,name,official_name\n'
        'E06000001,council,"<img src=http://evil.example/x onerror=alert(1)>",'
        '"</script><script>alert(2)</script>"\n'
        'E06000002,council,Middlesbrough & <b>Co</b>,\n',
        encoding="utf-8",
    )  # fmt: skip
    links = tmp_path / "links.csv"
    links.write_text("from_id,kind,to_id\nE06000001,borders,E06000002\n", encoding="utf-8")
    with NetworkXStore(tmp_path / "store") as store:
        load_files(store, [nodes, links])
    out = tmp_path / "evil.html"
    assert (
        run_cli(tmp_path / "store", "map", "--out", str(out), "--layout", "force").returncode == 0
    )
    w = Watched(browser)
    w.page.goto(out.as_uri())
    assert w.drawn() == 2
    name = w.page.evaluate("window.partnermap.nodes.get('E06000001').name")
    assert name == "<img src=http://evil.example/x onerror=alert(1)>"  # text, not markup
    drawn = {b["id"] for b in w.page.evaluate("window.partnermap.labelBoxes")}
    assert "E06000001" in drawn  # its name drawn as canvas text (the first by rank; the other
    # may be hidden under it while the force layout settles)
    assert w.page.locator("img").count() == 0 and w.page.locator("b").count() == 0
    w.page.fill("#q", "middlesbrough & <b>")
    w.page.click("#search button")
    assert w.page.text_content("#found") == "Middlesbrough & <b>Co</b>"
    assert w.dialogs == [] and w.outside() == [] and w.errors == []


@pytest.fixture(scope="module")
def live(bundled_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(copied_store(bundled_home, tmp_path_factory.mktemp("maps"))) as url:
        yield url


def test_the_explorer_suggests_as_you_type_and_shows_a_councils_panels(
    browser: Any, live: str
) -> None:
    """On a 1280x800 laptop: suggestions appear as you type; the chosen council's card, map
    and panels, each with its JSON (the API's URL) and CSV (a download of its rows)."""
    w = Watched(browser, 1280, 800)
    w.page.goto(live + "/")
    w.page.type("#q", "leeds ci", delay=30)
    w.page.wait_for_selector("#suggest li[data-id=E08000035]")
    assert w.page.get_attribute("#suggest li[role=option]", "data-id") == "E08000035"
    w.page.click("#suggest li[data-id=E08000035]")
    w.page.wait_for_selector("#about:not([hidden])")
    panels = ("services", "procurements", "pbos", "next", "candidates", "scenarios",
              "opportunities", "frameworks", "expiries")  # fmt: skip
    for panel in panels:  # each is filled when its answer comes (the CSP forbids eval: no polls)
        w.page.wait_for_selector(f"#panel-{panel} h3 a.json")
    assert w.page.text_content("#name") == "Leeds (E08000035)"
    assert "population 845,189" in w.page.text_content("#facts")
    assert "West Yorkshire Joint Services" in w.page.text_content("#panel-services")
    pbos = w.page.text_content("#panel-pbos")
    assert "YPO" in pbos and "CCS" in pbos and "YPO 1140" in pbos
    assert "North Yorkshire" in w.page.text_content("#panel-next")
    assert w.page.text_content("#panel-opportunities ul") == "none recorded"  # no contracts
    assert w.page.get_attribute("#timeline", "href") == "/areas/E08000035/expiries/timeline"
    json_links = w.page.eval_on_selector_all(
        "section.panel h3 a.json", "links => links.map(a => a.getAttribute('href'))"
    )
    assert "/nodes/E08000035/recommendations?top=5" in json_links
    assert "/scenarios?council=E08000035" in json_links
    assert len(json_links) == 9, json_links  # every panel
    with w.page.expect_download() as download:
        w.page.click("#panel-next a.csv")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("id,") and "North Yorkshire" in text
    w.page.click("#panel-pbos li:has-text('YPO') button.coverage")  # YPO's framework coverage
    w.page.wait_for_selector("#coverage:not([hidden])")
    assert w.page.text_content("#coverage-name") == "Who calls off YPO's frameworks"
    assert "Leeds" in w.page.text_content("#coverage-users")
    assert "Yorkshire and The Humber: " in w.page.text_content("#coverage-regions")
    assert w.page.get_attribute("#coverage-json", "href") == "/nodes/bo%3Aypo/coverage"
    map_frame = next(f for f in w.page.frames if "/maps/nodes/E08000035" in f.url)
    # Leeds, its 4 neighbours, West Yorkshire Joint Services, One Adoption West Yorkshire, the
    # West Yorkshire legal services agreement and CA, and CCS, YPO and SCAPE
    assert w.drawn(map_frame) == 12
    assert map_frame.evaluate("window.partnermap.nodes.get('E08000035').name") == "Leeds"
    ARTEFACTS.mkdir(exist_ok=True)
    w.page.screenshot(path=str(ARTEFACTS / "explorer.png"))
    assert w.errors == [] and w.outside() == [], (w.errors, w.outside())


def test_a_served_maps_card_asks_its_server_who_next(browser: Any, live: str) -> None:
    """Served by the API, a map's council card adds who next and who to buy with from the
    API (its CSP lets it ask its own server only); its JSON paths are links."""
    w = Watched(browser, 1280, 800)
    w.page.goto(live + "/maps/network?colour_by=population")
    w.drawn()
    assert w.page.evaluate("window.partnermap.colourBy") == "population"
    w.page.evaluate("window.partnermap.showCard('E08000035')")
    w.page.wait_for_selector("#card-asked h3")
    asked = w.page.text_content("#card-asked")
    assert "Who next" in asked and "North Yorkshire" in asked
    assert w.page.get_attribute("#card-api a", "href") == "/nodes/E08000035"
    assert any("/nodes/E08000035/recommendations" in u for u in w.requests)
    assert w.errors == [] and w.outside() == [], (w.errors, w.outside())


def test_the_explorer_works_at_a_phone_width(browser: Any, live: str) -> None:
    """At 390 px: nothing wider than the screen; a scenario's council shows the scenarios it
    is in; the map below the panels."""
    w = Watched(browser, 390, 844)
    w.page.goto(live + "/")
    w.page.type("#q", "guildford", delay=30)
    w.page.wait_for_selector("#suggest li[data-id=E07000209]")
    w.page.keyboard.press("Enter")
    w.page.wait_for_selector("#about:not([hidden])")
    w.page.wait_for_selector("#panel-scenarios li")
    assert "Surrey: two unitary councils" in w.page.text_content("#panel-scenarios")
    assert w.page.evaluate("document.documentElement.scrollWidth") <= 390
    box = w.page.locator("#map").bounding_box()
    assert box is not None and box["width"] <= 390 and box["height"] > 400
    w.page.screenshot(path=str(ARTEFACTS / "explorer-phone.png"), full_page=True)
    assert w.errors == [] and w.outside() == [], (w.errors, w.outside())


def test_every_map_view_is_served(loaded_home: Path) -> None:
    with TestClient(create_app(Settings(home=loaded_home))) as c:
        for url in ["/maps/network", "/maps/network?layout=force&links=partner_in",
                    "/maps/network?category=waste", "/maps/nodes/E08000035?hops=2",
                    "/maps/clusters/1", "/maps/candidates/1",
                    "/maps/buying-organisations/bo:ypo", "/"]:  # fmt: skip
            response = c.get(url)
            assert response.status_code == 200, (url, response.text[:300])
            assert response.headers["content-type"].startswith("text/html")
            assert "<html" in response.text
        ypo = c.get("/maps/buying-organisations/bo:ypo").text
        assert "YPO: owners and users" in ypo and "E08000035" in ypo  # Leeds buys through YPO
        for url, status in [("/maps/nodes/E99", 404), ("/maps/clusters/9999", 404),
                            ("/maps/network?links=friendship", 422),
                            ("/maps/buying-organisations/E08000035", 404)]:  # fmt: skip
            response = c.get(url)
            assert response.status_code == status, url
            assert response.json()["error"]["status"] == status


def test_an_item_map_shows_that_item_of_the_analysis_with_the_same_parameters(
    loaded_home: Path,
) -> None:
    """``/maps/candidates/N?region=R`` draws candidate N of ``/candidates?region=R``, and
    ``/maps/clusters/N?seed=S`` cluster N of ``/clusters?seed=S``: parameters are the
    analysis's, not hidden defaults."""
    with TestClient(create_app(Settings(home=loaded_home))) as c:
        south_west = c.get("/candidates", params={"region": "E12000009", "limit": 1000}).json()
        everywhere = c.get("/candidates", params={"limit": 1000}).json()
        regional, national = south_west["candidates"]["items"], everywhere["candidates"]["items"]
        assert regional and [m["id"] for m in regional[0]["members"]] != [
            m["id"] for m in national[0]["members"]
        ]  # the region changes which candidate comes first
        for rank, chosen in enumerate(regional[:3], start=1):
            page = c.get(f"/maps/candidates/{rank}", params={"region": "E12000009"}).text
            names = ", ".join(m["name"] for m in chosen["members"])
            assert f"candidate partnership {rank}: {html.escape(names)}" in page
            for member in chosen["members"] + chosen["districts"]:
                assert f'"{member["id"]}"' in page
        weighted = {"seed": 3, "weight": ["borders=0"]}
        clusters = c.get("/clusters", params={**weighted, "runs": 1}).json()["clusters"]
        page = c.get("/maps/clusters/2", params={**weighted, "runs": 1}).text
        assert f"cluster 2 of {len(clusters)}" in page
        assert all(f'"{m["id"]}"' in page for m in clusters[1]["members"])
        too_far = c.get(f"/maps/candidates/{len(regional) + 1}", params={"region": "E12000009"})
        assert too_far.status_code == 404
        assert f"there are {len(regional)}" in too_far.json()["error"]["message"]
