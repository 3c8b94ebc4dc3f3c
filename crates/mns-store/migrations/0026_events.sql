-- Events on the SEND Local Offer (issue 19): roadshows, forums and workshops that families and
-- professionals book. The event is the domain's `Event`, stored whole as JSON beside the
-- columns that lists and booking read. status is "published" or "cancelled".
CREATE TABLE local_offer_events (
    id TEXT PRIMARY KEY,
    details TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    capacity BIGINT NOT NULL,
    status TEXT NOT NULL,
    cancel_reason TEXT,
    created_by TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX local_offer_events_starts ON local_offer_events (status, starts_at);

-- Places booked. The link to see or cancel a booking carries a random token; only its SHA-256
-- is kept. status is the domain's `BookingStatus`; attended is NULL until the organiser marks
-- it (0 or 1). reminder_id is the outbox message that reminds the person the day before, which
-- is withdrawn if the booking is cancelled first.
CREATE TABLE event_bookings (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES local_offer_events (id),
    token_hash TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    phone TEXT NOT NULL,
    attendee TEXT NOT NULL,
    access_needs TEXT NOT NULL,
    created_at TEXT NOT NULL,
    confirmed_at TEXT,
    cancelled_at TEXT,
    attended BIGINT,
    reminder_id TEXT
);
CREATE INDEX event_bookings_event ON event_bookings (event_id, status, created_at);
