package storage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	gcs "cloud.google.com/go/storage"
	"golang.org/x/sync/errgroup"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"
	htransport "google.golang.org/api/transport/http"

	"github.com/argusqa/argus/internal/outbound"
)

// GCSConfig configures blob storage on Google Cloud Storage.
type GCSConfig struct {
	// Bucket is the bucket's name. Required.
	Bucket string

	// Prefix is put before every key, so one bucket can hold several
	// installations or other data ("argus/" keeps blobs under argus/…). It
	// must be empty or end in "/". Default: empty.
	Prefix string

	// Endpoint overrides the JSON API endpoint, for an emulator such as
	// fake-gcs-server ("http://127.0.0.1:4443/storage/v1/"). When it is set
	// the client sends no credentials, since emulators want none and real
	// credentials must not be sent to an endpoint that is not Google's.
	// Default: Google's endpoint with Application Default Credentials.
	Endpoint string

	// DeleteConcurrency is how many objects DeletePrefix deletes at once.
	// GCS has no bulk delete in its JSON API, so a tenant's thousands of
	// screenshots would otherwise take one round trip each. Default 8.
	DeleteConcurrency int

	// ListPageSize is how many names one listing request of DeletePrefix
	// asks for. Default 1000, the most GCS returns per page.
	ListPageSize int

	// ClientOptions are passed to storage.NewClient after the ones above,
	// for credentials or an HTTP client of the caller's choosing.
	ClientOptions []option.ClientOption
}

// WithDefaults returns cfg with zero fields set to their defaults.
func (cfg GCSConfig) WithDefaults() GCSConfig {
	if cfg.DeleteConcurrency <= 0 {
		cfg.DeleteConcurrency = 8
	}
	if cfg.ListPageSize <= 0 {
		cfg.ListPageSize = 1000
	}
	return cfg
}

// GCS keeps blobs as objects in a Google Cloud Storage bucket.
type GCS struct {
	client *gcs.Client
	bucket *gcs.BucketHandle
	cfg    GCSConfig
}

var _ Blobs = (*GCS)(nil)

// NewGCS returns blob storage in the configured bucket. It does not check
// that the bucket exists: that needs a permission (storage.buckets.get)
// which an object-only service account rightly lacks, and the first Put
// reports a missing bucket clearly enough. Close releases the client.
func NewGCS(ctx context.Context, cfg GCSConfig) (*GCS, error) {
	cfg = cfg.WithDefaults()
	if cfg.Bucket == "" {
		return nil, errors.New("storage: GCS bucket is empty")
	}
	if cfg.Prefix != "" {
		if err := CheckPrefix(cfg.Prefix); err != nil {
			return nil, fmt.Errorf("storage: GCS key prefix: %w", err)
		}
	}
	// JSON reads, as Google recommends: the same API as every other call
	// (the XML default differs in metadata and is not spoken by emulators
	// on a plain host:port).
	opts := []option.ClientOption{gcs.WithJSONReads()}
	if cfg.Endpoint != "" {
		opts = append(opts, option.WithEndpoint(cfg.Endpoint), option.WithoutAuthentication())
	}
	opts = append(opts, cfg.ClientOptions...)
	// Requests ride on the spec's connection pool, with the credentials
	// the options name put on top.
	rt, err := htransport.NewTransport(ctx, outbound.NewTransport(), append([]option.ClientOption{option.WithScopes(gcs.ScopeReadWrite)}, opts...)...)
	if err != nil {
		return nil, fmt.Errorf("storage: GCS transport: %w", err)
	}
	opts = append(opts, option.WithHTTPClient(&http.Client{Transport: rt}))
	client, err := gcs.NewClient(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("storage: GCS client: %w", err)
	}
	// Every write Argus makes is idempotent (the same bytes under the same
	// key), and so is a delete whose "not found" is ignored, so transient
	// errors are retried for all operations, not only those the client
	// considers idempotent by default (which excludes unconditional writes).
	client.SetRetry(gcs.WithPolicy(gcs.RetryAlways))
	return &GCS{client: client, bucket: client.Bucket(cfg.Bucket), cfg: cfg}, nil
}

// Close releases the client's connections.
func (g *GCS) Close() error { return g.client.Close() }

func (g *GCS) object(key string) (*gcs.ObjectHandle, error) {
	if err := CheckKey(key); err != nil {
		return nil, err
	}
	return g.bucket.Object(g.cfg.Prefix + key), nil
}

// chunk is the upload buffer for data of size n: a single request with room
// to retry it, without the 16 MiB buffer per writer that the client
// allocates by default (screenshots are a few hundred kilobytes and several
// agents upload at once).
func chunk(n int) int {
	const quantum, max = 256 << 10, 16 << 20
	c := (n/quantum + 1) * quantum
	return min(c, max)
}

// Put implements Blobs.
func (g *GCS) Put(ctx context.Context, key string, data []byte, contentType string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	obj, err := g.object(key)
	if err != nil {
		return err
	}
	w := obj.NewWriter(ctx)
	w.ChunkSize = chunk(len(data))
	w.ContentType = contentType
	if _, err := w.Write(data); err != nil {
		w.Close()
		return fmt.Errorf("storage: put %s: %w", key, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("storage: put %s: %w", key, err)
	}
	return nil
}

// Get implements Blobs. The returned reader keeps reading under ctx.
func (g *GCS) Get(ctx context.Context, key string) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	obj, err := g.object(key)
	if err != nil {
		return nil, err
	}
	r, err := obj.NewReader(ctx)
	if errors.Is(err, gcs.ErrObjectNotExist) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("storage: get %s: %w", key, err)
	}
	return r, nil
}

// DeletePrefix implements Blobs. It lists the objects under prefix and
// deletes them a few at a time; an object that disappears meanwhile (another
// delete of the same prefix) is not an error.
func (g *GCS) DeletePrefix(ctx context.Context, prefix string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := CheckPrefix(prefix); err != nil {
		return err
	}
	q := &gcs.Query{Prefix: g.cfg.Prefix + prefix}
	if err := q.SetAttrSelection([]string{"Name"}); err != nil {
		return fmt.Errorf("storage: delete %s: %w", prefix, err)
	}
	eg, ctx := errgroup.WithContext(ctx)
	eg.SetLimit(g.cfg.DeleteConcurrency)
	it := g.bucket.Objects(ctx, q)
	it.PageInfo().MaxSize = g.cfg.ListPageSize
	for {
		attrs, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			// Let deletes already started finish before reporting, so
			// no goroutine outlives the call; a failed delete cancels the
			// listing too, and is then the error worth reporting.
			if werr := eg.Wait(); werr != nil {
				return werr
			}
			return fmt.Errorf("storage: delete %s: list: %w", prefix, err)
		}
		name := attrs.Name
		if !strings.HasPrefix(name, q.Prefix) {
			continue // defensive: a server that ignores the prefix
		}
		eg.Go(func() error {
			err := g.bucket.Object(name).Delete(ctx)
			if err != nil && !errors.Is(err, gcs.ErrObjectNotExist) {
				return fmt.Errorf("storage: delete %s: %w", strings.TrimPrefix(name, g.cfg.Prefix), err)
			}
			return nil
		})
	}
	return eg.Wait()
}
