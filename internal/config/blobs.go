package config

import (
	"errors"
	"net/url"
	"strings"
)

// BlobURL chooses where blobs live. It is checked here only for shape; the
// storage package opens it (storage.Open).
var BlobURL = Setting{
	Env: "ARGUS_BLOB_URL", Flag: "blob-url",
	Usage:   "where screenshots and other blobs are kept: file:///dir or gs://bucket/prefix (Google Cloud Storage, Application Default Credentials); empty: ARGUS_BLOB_DIR",
	Example: "gs://acme-argus/blobs",
	apply: func(c *Config, raw string) error {
		c.BlobURL = raw
		if raw == "" || !strings.Contains(raw, "://") {
			return nil
		}
		u, err := url.Parse(raw)
		if err != nil {
			return errors.New("is not a URL")
		}
		switch {
		case u.Scheme == "gs" && u.Host == "":
			return errors.New("names no bucket; use gs://bucket or gs://bucket/prefix")
		case u.Scheme == "gs" && u.User != nil:
			return errors.New("must not carry credentials; GCS uses Application Default Credentials")
		case u.Scheme == "file" && u.Host != "" && u.Host != "localhost":
			return errors.New("names a host; use file:///absolute/path")
		case u.Scheme != "gs" && u.Scheme != "file":
			return errors.New("must be file:///dir or gs://bucket/prefix")
		}
		return nil
	},
}

// BlobLocation is where blobs live: BlobURL, or BlobDir when it is empty.
// Pass it to storage.Open.
func (c *Config) BlobLocation() string {
	if c.BlobURL != "" {
		return c.BlobURL
	}
	return c.BlobDir
}
