-- Start-up asks for the services whose search words an older text analysis made (issue 18's
-- cold start): with this index that is a look-up, not a read of every service's document.
CREATE INDEX directory_services_search_version ON directory_services (search_version);
