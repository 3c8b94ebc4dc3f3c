"""The Open Referral UK 3.0 conformance checks of a running feed, as its readers make them.

Usage: python oruk_conformance.py BASE_URL SCHEMA_DIR STANDARD_OPENAPI

BASE_URL is the feed's API stub (http://127.0.0.1:PORT/api/oruk); SCHEMA_DIR holds the
profile's compiled JSON schemas (service.json, service_list.json, ...); STANDARD_OPENAPI is the
profile's published OpenAPI document, whose schema references are resolved to SCHEMA_DIR.

The checks replicate, from their public source:
- the ORUK validator, profile-driven (tpximpact/OpenReferralApi, TestProfiles/HSDS-UK-3.0.json,
  PaginationTestingService.cs, ValidatorService.cs): `/` and its version, each list paged at 5
  a page with its flags, every page and record against the compiled schemas with formats;
- the ORUK validator, OpenAPI-driven (OpenReferralApi.Core): each path of the published document
  at page 1, the middle and the last page with no `per_page`, and up to 10 records by id, each
  answer against that path's 200 response schema, exactly 200;
- the UK profile's compliance rules: CORS for any origin, no key, one API stub;
- DfE's "Find support for your family": its importer reads `/services` once with no paging and
  then each `/services/{id}`, and skips a service whose nested objects lack a UUID id or a key
  it requires, whose ages are not whole numbers, or whose times carry a zone; its quality tool
  counts a list item usable with a UUID, a name, a description, an absolute url, an
  organisation with id and name, an email and status active;
- the query semantics the feed documents (ages, times, days, modified_after, taxonomy terms)
  checked against the records themselves.

Every failure is printed with what was asked and what came back. Data-quality figures that are
the council's to improve (how many services have an email) are printed as figures, not
failures. The last line is `oruk-conformance: N checks, M failures, K requests`; the exit
status is 1 when there is any failure.
"""

import gzip
import json
import random
import re
import sys
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
CLOCK = re.compile(r"^\d{2}:\d{2}(:\d{2})?$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
LISTS = ["services", "taxonomies", "taxonomy_terms", "service_at_locations", "organizations"]
SINGULAR = {
    "services": "service",
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "service_at_locations": "service_at_location",
    "organizations": "organization",
}
PAGE_FLAGS = ["total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty"]


class Run:
    def __init__(self, base, schema_dir, openapi_path):
        self.base = base.rstrip("/")
        self.checks = 0
        self.failures = []
        self.requests = 0
        self.cors_missing = []
        self.schema_dir = Path(schema_dir)
        self.schemas = {}
        self.standard = json.loads(Path(openapi_path).read_text())
        resources = []
        for path in self.schema_dir.glob("*.json"):
            resources.append((path.name, Resource.from_contents(json.loads(path.read_text()), default_specification=_dialect())))
        self.registry = Registry().with_resources(resources)
        self.random = random.Random(1)

    # --- recording -------------------------------------------------------------------------
    def check(self, ok, what):
        self.checks += 1
        if not ok:
            self.failures.append(what)
            print(f"  FAIL {what}")
        return ok

    # --- HTTP ------------------------------------------------------------------------------
    def get(self, path, headers=None, method="GET"):
        """(status, headers, body bytes) of `path` under the stub, or of an absolute URL."""
        url = path if path.startswith("http") else self.base + path
        request = urllib.request.Request(url, method=method, headers={"User-Agent": "oruk", **(headers or {})})
        self.requests += 1
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, got, body = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, got, body = error.code, error.headers, error.read()
        if got.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        if got.get("Access-Control-Allow-Origin") != "*":
            self.cors_missing.append(f"{method} {path} ({status})")
        return status, got, body

    def json(self, path, expect=200):
        status, _, body = self.get(path)
        if not self.check(status == expect, f"GET {path}: status {status}, expected {expect}"):
            return None
        try:
            return json.loads(body)
        except ValueError as error:
            self.check(False, f"GET {path}: not JSON ({error})")
            return None

    # --- schemas ---------------------------------------------------------------------------
    def compiled(self, name):
        if name not in self.schemas:
            schema = json.loads((self.schema_dir / f"{name}.json").read_text())
            self.schemas[name] = Draft202012Validator(schema, registry=self.registry, format_checker=FormatChecker())
        return self.schemas[name]

    def valid(self, validator, document, what):
        errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
        messages = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message[:160]}" for e in errors[:5]]
        return self.check(not errors, f"{what}: {len(errors)} schema errors {messages}")

    def standard_response(self, path):
        """A validator for the 200 answer of `path` in the published document: its schema, with
        the document's components beside it for its `#/components/...` references."""
        schema = self.standard["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
        root = {**_local_refs(schema), "components": _local_refs(self.standard.get("components", {}))}
        return Draft202012Validator(root, registry=self.registry, format_checker=FormatChecker())


def _dialect():
    from referencing.jsonschema import DRAFT202012

    return DRAFT202012


def _local_refs(node):
    """`node` with the published document's links to the schemas replaced by their file names
    (which the registry holds), and `#/components/...` kept as they are."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith("http"):
                out[key] = value.rsplit("/", 1)[-1]
            else:
                out[key] = _local_refs(value)
        return out
    if isinstance(node, list):
        return [_local_refs(v) for v in node]
    return node


# ---------------------------------------------------------------------------------------------
# 1. The validator, profile-driven

def base_endpoint(run):
    print("== / : the version and the OpenAPI document")
    for path in ["", "/"]:
        details = run.json(path)
        if details is None:
            continue
        run.valid(run.compiled("api_details"), details, f"GET {path or '(stub)'} against api_details.json")
        version = str(details.get("version", ""))
        run.check(version != "HSDS-UK-1.0" and version.replace("HSDS-UK-", "").lstrip("Vv").startswith("3"),
                  f"GET {path or '(stub)'}: version {version!r} is not read as 3.0 (a reader falls back to 1.0)")
    details = run.json("/") or {}
    openapi_url = details.get("openapi_url", "")
    run.check(openapi_url.startswith(run.base.split("/api/")[0]),
              f"openapi_url {openapi_url!r} is not under the feed's own address")
    document = run.json(openapi_url) if openapi_url else None
    if document:
        run.check("openapi" in document and "paths" in document and "info" in document,
                  "the feed's OpenAPI document has openapi, info and paths")
        servers = [s.get("url") for s in document.get("servers", [])]
        run.check(servers == [run.base], f"the OpenAPI document's servers {servers} are the stub {run.base}")
        for path in run.standard["paths"]:
            tags = run.standard["paths"][path]["get"].get("tags", [])
            if "Optional" not in tags:
                run.check(path in document["paths"], f"the feed's OpenAPI document has the required path {path}")
    return document


def paging_test(run, name, per_page=5):
    """The validator's pagination test: page 1 at 5 a page, up to three middle pages, the last."""
    first = run.json(f"/{name}?per_page={per_page}&page=1")
    if first is None:
        return
    total_pages = first.get("total_pages", 0)
    total_items = first.get("total_items")
    run.check(total_pages >= 1, f"/{name}: total_pages {total_pages} (an empty feed fails the validator)")
    pages = [1]
    if total_pages > 2:
        pages += sorted({run.random.randrange(2, total_pages) for _ in range(3)})
    if total_pages > 1:
        pages.append(total_pages)
    for number in pages:
        path = f"/{name}?per_page={per_page}&page={number}"
        page = first if number == 1 else run.json(path)
        if page is None:
            continue
        contents = page.get("contents", [])
        validate_list(run, name, page, f"GET {path}")
        for flag in PAGE_FLAGS:
            run.check(flag in page, f"GET {path}: the page has {flag}")
        run.check(page.get("first_page") == (number == 1), f"GET {path}: first_page {page.get('first_page')}")
        run.check(page.get("last_page") == (number == total_pages), f"GET {path}: last_page {page.get('last_page')}")
        run.check(page.get("empty") == (len(contents) == 0), f"GET {path}: empty {page.get('empty')}")
        run.check(len(contents) == per_page or (len(contents) < per_page and page.get("last_page")),
                  f"GET {path}: {len(contents)} items at {per_page} a page")
        run.check(page.get("size") == len(contents), f"GET {path}: size {page.get('size')} for {len(contents)} items")
        run.check(page.get("total_items") == total_items, f"GET {path}: total_items changed between pages")
        run.check(page.get("page_number") == number, f"GET {path}: page_number {page.get('page_number')}")


def validate_list(run, name, page, what):
    """A page against the profile's list schema. The profile's organization_list.json describes
    one organisation, not a page (the published document makes the same slip for
    `/organizations`), so there each item is checked against it instead."""
    schema = run.compiled(f"{SINGULAR[name]}_list")
    if "contents" in schema.schema.get("properties", {}):
        run.valid(schema, page, f"{what} against {SINGULAR[name]}_list.json")
        return
    for n, item in enumerate(page.get("contents", [])):
        run.valid(schema, item, f"{what}: item {n} against {SINGULAR[name]}_list.json (which describes one item)")


def every_record(run, name):
    """Every id of a list (the validator's harvest takes ids from pages without per_page), and
    every record by id against its schema. Returns the records."""
    print(f"== /{name}: every page and every record by id")
    ids, number = [], 1
    while True:
        path = f"/{name}?page={number}"
        page = run.json(path)
        if page is None:
            break
        contents = page.get("contents", [])
        run.check(page.get("size", 0) <= len(contents), f"GET {path}: size {page.get('size')} exceeds the items")
        for item in contents:
            identifier = item.get("id")
            if run.check(isinstance(identifier, str) and UUID.match(identifier) is not None,
                         f"GET {path}: an item's id {identifier!r} is a UUID"):
                ids.append(identifier)
        if page.get("last_page", True) or not contents:
            break
        number += 1
    run.check(len(ids) == len(set(ids)), f"/{name}: every id is listed once")
    records = {}
    validator = run.compiled(SINGULAR[name])
    for identifier in ids:
        record = run.json(f"/{name}/{identifier}")
        if record is None:
            continue
        run.valid(validator, record, f"GET /{name}/{identifier} against {SINGULAR[name]}.json")
        run.check(record.get("id") == identifier, f"GET /{name}/{identifier}: the record's id")
        records[identifier] = record
    print(f"   {len(ids)} listed, {len(records)} read by id")
    return records


# ---------------------------------------------------------------------------------------------
# 2. The validator, OpenAPI-driven

def standard_paths(run):
    print("== the published OpenAPI document's paths, as its validator reads them")
    for path, item in run.standard["paths"].items():
        if path == "/" or "{id}" in path:
            continue
        validator = run.standard_response(path)
        reference = validator.schema.get("$ref", "")
        if reference.endswith(".json"):
            describes_page = "contents" in run.compiled(reference[:-5]).schema.get("properties", {})
        else:
            describes_page = "contents" in json.dumps(validator.schema)
        if not describes_page:
            print(f"   warning: the published document's schema for {path} describes one item, not a page: "
                  "its validator warns on every feed (the path is Optional); each item is checked against it")
        first = run.json(f"{path}?page=1")
        if first is None:
            continue
        total_pages = first.get("total_pages", 1)
        for number in sorted({1, total_pages // 2 if total_pages > 2 else 1, total_pages}):
            page = first if number == 1 else run.json(f"{path}?page={number}")
            if page is None:
                continue
            if describes_page:
                run.valid(validator, page, f"GET {path}?page={number} against the published document")
            else:
                for n, item in enumerate(page.get("contents", [])):
                    run.valid(validator, item, f"GET {path}?page={number}: item {n} against the published document")
        contents = first.get("contents", [])
        if not contents:
            print(f"   warning: {path} is empty, so {path}/{{id}} is not tested")
            continue
        by_id = f"{path}/{{id}}"
        id_validator = run.standard_response(by_id)
        sample = contents if len(contents) <= 10 else run.random.sample(contents, 10)
        for item in sample:
            record = run.json(f"{path}/{item['id']}")
            if record is not None:
                run.valid(id_validator, record, f"GET {path}/{item['id']} against the published document")


# ---------------------------------------------------------------------------------------------
# 3. The UK profile's compliance rules and what HTTP readers rely on

def http_rules(run, services):
    print("== CORS, paging limits, trailing slashes, caching and compression")
    status, headers, _ = run.get("/services", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET"}, method="OPTIONS")
    run.check(status in (200, 204), f"OPTIONS /services (a browser's preflight): status {status}")
    run.check("GET" in (headers.get("Access-Control-Allow-Methods") or ""), "the preflight allows GET")
    plain = run.json("/services")
    slash = run.json("/services/")
    run.check(plain is not None and slash == plain, "/services/ answers as /services")
    if plain is not None:
        total = plain["total_items"]
        run.check(plain["size"] == total and plain["last_page"] is True,
                  f"/services with no paging holds the whole directory ({plain['size']} of {total}); DfE's importer reads only that page")
        run.check(total == len(services), f"/services total_items {total} is the number of services listed, {len(services)}")
    huge = run.json("/services?per_page=100000")
    if huge is not None:
        run.check(huge["size"] == len(huge["contents"]) and huge["total_pages"] == -(-huge["total_items"] // max(huge["size"], 1)),
                  "per_page above the most is clamped, with size and total_pages true to what came back")
    status, headers, body = run.get("/services/" + next(iter(services)), headers={"Accept-Encoding": "gzip"})
    tag = headers.get("ETag")
    run.check(status == 200 and tag is not None, "a record carries an ETag")
    run.check("max-age" in (headers.get("Cache-Control") or ""), "a record carries Cache-Control with max-age")
    run.check(headers.get("Content-Encoding") == "gzip", "a record is gzipped for a reader that accepts gzip")
    if tag:
        status, _, body = run.get("/services/" + next(iter(services)), headers={"If-None-Match": tag})
        run.check(status == 304 and not body, f"If-None-Match with the ETag answers 304 with no body (got {status})")
    status, _, body = run.get("/services/not-a-service")
    run.check(status == 404 and body.startswith(b"{"), f"an unknown id answers 404 in JSON (got {status})")


# ---------------------------------------------------------------------------------------------
# 4. DfE's "Find support for your family"

# Keys DfE's importer requires (C# `required`) on each kind of object it reads.
DFE_REQUIRED = {
    "service": ["name", "status"],
    "organization": ["name", "description"],
    "location": ["location_type"],
    "address": ["address_1", "city", "state_province", "postal_code", "country", "address_type"],
    "phone": ["number"],
    "taxonomy_term": ["code", "name", "description"],
    "taxonomy_detail": ["name", "description"],
}
DFE_KIND = {
    "organization": "organization", "addresses": "address", "phones": "phone", "location": "location",
    "taxonomy_term": "taxonomy_term", "taxonomy_detail": "taxonomy_detail",
}


def dfe_importer(run, services):
    print("== DfE's importer: every service as it reads /services/{id}")
    skipped = []
    for identifier, record in services.items():
        problems = []
        dfe_walk(record, "service", "", problems)
        for key in ["minimum_age", "maximum_age"]:
            age = record.get(key)
            if age is not None and not (isinstance(age, int) and not isinstance(age, bool) and 0 <= age <= 255):
                problems.append(f"{key} {age!r} is not a whole number from 0 to 255")
        for n, schedule in enumerate(record.get("schedules", [])):
            for key in ["opens_at", "closes_at"]:
                if key in schedule and not CLOCK.match(str(schedule[key])):
                    problems.append(f"schedules/{n}/{key} {schedule[key]!r} is not a time without a zone")
            for key in ["valid_from", "valid_to", "dtstart"]:
                if key in schedule and not DAY.match(str(schedule[key])):
                    problems.append(f"schedules/{n}/{key} {schedule[key]!r} is not a date")
        try:
            datetime.fromisoformat(record["last_modified"].replace("Z", "+00:00"))
        except (KeyError, ValueError):
            problems.append(f"last_modified {record.get('last_modified')!r} is not an ISO date and time")
        if problems:
            skipped.append(identifier)
        run.check(not problems, f"DfE's importer would skip service {identifier}: {problems[:5]}")
    print(f"   DfE's importer would read {len(services) - len(skipped)} of {len(services)} services")


def dfe_walk(node, kind, at, problems):
    """Every object DfE reads needs a UUID `id` and the keys it requires."""
    if isinstance(node, dict):
        if kind is not None:
            identifier = node.get("id")
            if not (isinstance(identifier, str) and UUID.match(identifier)):
                problems.append(f"{at or '/'}: id {identifier!r} is not a UUID")
            for key in DFE_REQUIRED.get(kind, []):
                if key not in node:
                    problems.append(f"{at or '/'}: has no {key}")
        for key, value in node.items():
            if key in ("send_local_offer",):
                continue
            child = DFE_KIND.get(key, "item" if isinstance(value, list) else None)
            if isinstance(value, (dict, list)):
                dfe_walk(value, child, f"{at}/{key}", problems)
    elif isinstance(node, list):
        for n, item in enumerate(node):
            dfe_walk(item, kind, f"{at}/{n}", problems)


def dfe_quality(run, listed):
    print("== DfE's quality tool: the services list's items")
    counts = {"id": 0, "active": 0, "name": 0, "description": 0, "url": 0, "organization": 0, "email": 0}
    usable = 0
    for item in listed:
        passed = {
            "id": isinstance(item.get("id"), str) and UUID.match(item["id"].strip()) is not None,
            "active": item.get("status") == "active",
            "name": bool(str(item.get("name", "")).strip()),
            "description": bool(str(item.get("description", "")).strip()),
            "url": bool(urllib.parse.urlparse(item.get("url", "")).scheme and urllib.parse.urlparse(item.get("url", "")).netloc),
            "organization": bool((item.get("organization") or {}).get("id") and (item.get("organization") or {}).get("name")),
            "email": bool(str(item.get("email", "")).strip()),
        }
        for key, ok in passed.items():
            counts[key] += ok
        usable += all(passed.values())
        # What the feed controls; the rest is the council's data.
        run.check(passed["id"] and passed["name"] and passed["organization"],
                  f"list item {item.get('id')}: a UUID id, a name and an organisation with id and name")
    total = len(listed)
    figures = ", ".join(f"{key} {count}/{total}" for key, count in counts.items())
    print(f"   usable by its measure: {usable} of {total} ({figures})")


# ---------------------------------------------------------------------------------------------
# 5. What the parameters mean, checked against the records

def parameters(run, services, document):
    print("== the documented parameters, checked against the records")
    listed = {p: item for p, item in (document or {}).get("paths", {}).items()}
    for path, item in listed.items():
        for parameter in item.get("get", {}).get("parameters", []):
            if "$ref" in parameter:
                parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[-1]]
            if parameter.get("in") != "query":
                continue
            query = {parameter["name"]: sample_value(parameter, services)}
            if parameter["name"] == "proximity":
                query["postcode"] = "NR2 1AA"  # proximity is measured from a postcode
            target = path.replace("{id}", sample_id(path, services))
            status, _, _ = run.get(f"{target}?{urllib.parse.urlencode(query)}")
            run.check(status == 200, f"GET {target}?{urllib.parse.urlencode(query)}: the documented parameter is accepted (got {status})")

    def found(query):
        ids = []
        page = run.json(f"/services?{query}&per_page=1000")
        if page is not None:
            run.check(page["total_items"] == len(page["contents"]), f"/services?{query}: one page holds it all")
            ids = [item["id"] for item in page["contents"]]
        return ids

    active = {i: s for i, s in services.items() if s.get("status") == "active"}
    # The whole SEND range, and the ranges of two services (so that none is empty by chance).
    ranges = [(0, 25)] + sorted({
        (s["minimum_age"], s["maximum_age"]) for s in active.values()
        if "minimum_age" in s and "maximum_age" in s
    })[:2]
    for low, high in ranges:
        got = set(found(f"minimum_age={low}&maximum_age={high}"))
        want = {i for i, s in active.items() if s.get("minimum_age", 0) >= low and s.get("maximum_age", 255) <= high}
        run.check(got == want and want, f"minimum_age={low}&maximum_age={high}: services whose range lies inside ({len(got)} found, {len(want)} expected)")
    for age in [0, 9, 17]:
        got = set(found(f"age={age}"))
        want = {i for i, s in active.items() if s.get("minimum_age", 0) <= age <= s.get("maximum_age", 255)}
        run.check(got == want and want, f"age={age}: services whose range includes it ({len(got)} found, {len(want)} expected)")
    # As documented: a schedule on `day`, and the earliest opening and latest closing over all
    # the service's schedules within start_time and end_time.
    for day, start, end in [("MO", "09:00", "17:00"), ("SA", None, None), (None, "10:00", None), (None, None, "15:30")]:
        query = "&".join(f"{k}={v}" for k, v in [("day", day), ("start_time", start), ("end_time", end)] if v)
        got = set(found(query))
        want = {i for i, s in active.items() if runs(s.get("schedules", []), day, start, end)}
        run.check(got == want and want, f"{query}: services as the document describes ({len(got)} found, {len(want)} expected)")
    stamps = sorted(s["last_modified"] for s in active.values())
    if stamps:
        middle = stamps[len(stamps) // 2]
        got = set(found(f"modified_after={urllib.parse.quote(middle)}"))
        want = {i for i, s in active.items() if s["last_modified"] >= middle}
        run.check(got == want and want, f"modified_after={middle}: services modified on or after it ({len(got)} found, {len(want)} expected)")
    terms = {}
    for identifier, record in active.items():
        for attribute in record.get("attributes", []):
            terms.setdefault(attribute.get("taxonomy_term_id"), set()).add(identifier)
    for term, holders in sorted(terms.items(), key=lambda kv: -len(kv[1]))[:3]:
        got = set(found(f"taxonomy_term_id={term}"))
        run.check(got == holders and holders, f"taxonomy_term_id={term}: the services linked to it ({len(got)} found, {len(holders)} expected)")


def runs(schedules, day, start, end):
    days = {d[-2:] for s in schedules for d in str(s.get("byday", "")).split(",") if d}
    opens = min((s["opens_at"] for s in schedules if "opens_at" in s), default=None)
    closes = max((s["closes_at"] for s in schedules if "closes_at" in s), default=None)
    return ((day is None or day in days)
            and (start is None or (opens is not None and opens >= start))
            and (end is None or (closes is not None and closes <= end)))


def sample_id(path, services):
    """An id of a record of `path`'s kind, from the services read."""
    first = next(iter(services.values()))
    if path.startswith("/services"):
        return first["id"]
    if path.startswith("/organizations"):
        return first["organization_id"]
    if path.startswith("/service_at_locations"):
        return next(s for s in services.values() if s.get("service_at_locations"))["service_at_locations"][0]["id"]
    attribute = next(s for s in services.values() if s.get("attributes"))["attributes"][0]
    if path.startswith("/taxonomy_terms"):
        return attribute["taxonomy_term_id"]
    return attribute["taxonomy_term"]["taxonomy_id"]


def sample_value(parameter, services):
    name = parameter["name"]
    first = next(iter(services.values()))
    return {
        "search": "club", "page": 1, "per_page": 5, "full": "true", "full_service": "true",
        "modified_after": "2020-01-01T00:00:00Z", "taxonomy_term_id": (first.get("attributes") or [{}])[0].get("taxonomy_term_id", ""),
        "taxonomy_id": "", "organization_id": first.get("organization_id", ""), "minimum_age": 5, "maximum_age": 11,
        "age": 9, "day": "MO", "start_time": "09:00", "end_time": "17:00", "postcode": "NR2", "proximity": 5000,
        "need": "autism", "free": "true", "local_offer": "true", "top_only": "true", "parent_id": "", "taxonomy_id": "",
    }.get(name, "x")


def main():
    base, schema_dir, openapi = sys.argv[1:4]
    run = Run(base, schema_dir, openapi)
    document = base_endpoint(run)
    for name in LISTS:
        print(f"== /{name}: the validator's paging test at 5 a page")
        paging_test(run, name)
    records = {name: every_record(run, name) for name in LISTS}
    standard_paths(run)
    services = records["services"]
    http_rules(run, services)
    listed = (run.json("/services") or {}).get("contents", [])
    dfe_quality(run, listed)
    dfe_importer(run, services)
    parameters(run, services, document)
    print("== every answer is open to any origin (Access-Control-Allow-Origin: *)")
    run.check(not run.cors_missing, f"answers without CORS: {run.cors_missing[:5]}")
    print(f"oruk-conformance: {run.checks} checks, {len(run.failures)} failures, {run.requests} requests")
    sys.exit(1 if run.failures else 0)


if __name__ == "__main__":
    main()
