-- Each instance answers directory searches from an index in memory (see
-- `mns_app::directory_index`). Every write to a service's search columns bumps one
-- generation number and logs which service changed under it, in the same transaction, so an
-- instance can tell with one row whether its index is current and catch up with only what
-- changed. Writers take the generation row's lock, so generations commit in order.
CREATE TABLE directory_generation (
    id BIGINT PRIMARY KEY,
    generation BIGINT NOT NULL
);
INSERT INTO directory_generation (id, generation) VALUES (1, 0);

-- What changed under each generation: a service, or (no service) the taxonomies.
CREATE TABLE directory_index_log (
    generation BIGINT PRIMARY KEY,
    service_id TEXT
);
