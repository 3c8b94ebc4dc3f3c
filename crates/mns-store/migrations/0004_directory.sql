-- The SEND Local Offer directory (issue: Local Offer, Open Referral UK 3.0).
--
-- A service is stored as one JSON document (`document`, the domain's `Service`): that is what a
-- provider edits, what the council approves, what a version restores and what ORUK publishes.
-- Beside it sit the columns and side tables search needs, rewritten whenever the document is:
-- filters as plain columns, taxonomy links and search words as (key, service) index tables,
-- and each service-at-location with its coordinates for distance. Distances are ordered with
-- arithmetic only (no trigonometry), so the same SQL runs on SQLite and PostgreSQL.

CREATE TABLE directory_organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    document TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX directory_organizations_name ON directory_organizations (name_key, id);

CREATE TABLE directory_taxonomies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    document TEXT NOT NULL
);

CREATE TABLE directory_terms (
    id TEXT PRIMARY KEY,
    taxonomy_id TEXT NOT NULL REFERENCES directory_taxonomies (id),
    code TEXT NOT NULL,
    position BIGINT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX directory_terms_taxonomy ON directory_terms (taxonomy_id, position);

CREATE TABLE directory_services (
    id TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL REFERENCES directory_organizations (id),
    name_key TEXT NOT NULL,
    status TEXT NOT NULL,
    local_offer BIGINT NOT NULL,
    minimum_age BIGINT NOT NULL,
    maximum_age BIGINT NOT NULL,
    free BIGINT NOT NULL,
    day_mask BIGINT NOT NULL,
    opens_at TEXT NOT NULL,
    closes_at TEXT NOT NULL,
    last_reviewed TEXT NOT NULL,
    last_modified TEXT NOT NULL,
    review_reminded_on TEXT,
    version BIGINT NOT NULL,
    document TEXT NOT NULL
);
-- The search columns again, narrow beside the document: a search reads only these indexes and
-- opens no document until it has its page (on SQLite a row with its document fills a page).
-- By name for the unfiltered order, by id for joins from the key tables and distances.
CREATE INDEX directory_services_name ON directory_services (status, name_key, id, local_offer,
    free, minimum_age, maximum_age, day_mask, opens_at, closes_at);
CREATE INDEX directory_services_by_id ON directory_services (id, status, name_key, local_offer,
    free, minimum_age, maximum_age, day_mask, opens_at, closes_at);
CREATE INDEX directory_services_organization ON directory_services (organization_id, name_key);
CREATE INDEX directory_services_reviewed ON directory_services (last_reviewed);
CREATE INDEX directory_services_modified ON directory_services (last_modified);

CREATE TABLE directory_service_at_locations (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES directory_services (id) ON DELETE CASCADE,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL
);
CREATE INDEX directory_sal_service ON directory_service_at_locations (service_id, latitude, longitude);
CREATE INDEX directory_sal_position ON directory_service_at_locations (latitude, longitude, service_id);

CREATE TABLE directory_service_terms (
    term_id TEXT NOT NULL,
    service_id TEXT NOT NULL REFERENCES directory_services (id) ON DELETE CASCADE,
    PRIMARY KEY (term_id, service_id)
);
CREATE INDEX directory_service_terms_service ON directory_service_terms (service_id, term_id);

CREATE TABLE directory_words (
    word TEXT NOT NULL,
    service_id TEXT NOT NULL REFERENCES directory_services (id) ON DELETE CASCADE,
    PRIMARY KEY (word, service_id)
);
CREATE INDEX directory_words_service ON directory_words (service_id, word);

-- Every published version of a service, so the council can see history and restore one.
CREATE TABLE directory_service_versions (
    service_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    document TEXT NOT NULL,
    changed_by TEXT REFERENCES users (id),
    changed_at TEXT NOT NULL,
    note TEXT NOT NULL,
    PRIMARY KEY (service_id, version)
);

-- A provider's proposed change (or new service), waiting for the council.
CREATE TABLE directory_changes (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    organization_id TEXT NOT NULL REFERENCES directory_organizations (id),
    base_version BIGINT NOT NULL,
    proposed TEXT NOT NULL,
    status TEXT NOT NULL,
    submitted_by TEXT NOT NULL REFERENCES users (id),
    submitted_at TEXT NOT NULL,
    decided_by TEXT REFERENCES users (id),
    decided_at TEXT,
    reason TEXT
);
CREATE INDEX directory_changes_status ON directory_changes (status, submitted_at);
CREATE INDEX directory_changes_service ON directory_changes (service_id, submitted_at);

-- Which organisations' entries a provider user may edit.
CREATE TABLE directory_organization_users (
    user_id TEXT NOT NULL REFERENCES users (id),
    organization_id TEXT NOT NULL REFERENCES directory_organizations (id),
    PRIMARY KEY (user_id, organization_id)
);

-- What families say about a service.
CREATE TABLE directory_feedback (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES directory_services (id),
    created_at TEXT NOT NULL,
    comment TEXT NOT NULL,
    email TEXT,
    status TEXT NOT NULL
);
CREATE INDEX directory_feedback_status ON directory_feedback (status, created_at);

-- Postcode centroids for distance search: districts ("NR2") and, where a council loads the ONS
-- Postcode Directory or Code-Point Open, full postcodes ("NR2 4AB"), keyed by the normalised
-- text.
CREATE TABLE postcodes (
    postcode TEXT PRIMARY KEY,
    latitude DOUBLE PRECISION NOT NULL,
    longitude DOUBLE PRECISION NOT NULL,
    place TEXT
);
