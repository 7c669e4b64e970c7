package app

import (
	"context"
	"errors"
	"io"
	"strings"

	"github.com/google/uuid"

	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/video"
)

var errNoVideo = notFound("no video for this agent")

// maxVideoRead bounds how much of a blob AgentVideo reads: the workers cap
// recordings far below it; a blob larger than this is not one of theirs.
const maxVideoRead = 1 << 30

// Video is an agent's recording, read whole so that players can seek in
// it (HTTP range requests).
type Video struct {
	Data        []byte
	ContentType string
}

// AgentVideo reads an agent's kept recording. The agent is found through
// the tenant-scoped store and its key must lie under the tenant's prefix
// before a byte is read.
func (a *App) AgentVideo(ctx context.Context, p *Principal, agent uuid.UUID) (*Video, error) {
	ag, err := a.store.GetAgent(ctx, p.TenantID, agent)
	if err != nil {
		return nil, err
	}
	if ag.VideoKey == nil {
		return nil, errNoVideo
	}
	key := *ag.VideoKey
	if !strings.HasPrefix(key, storage.TenantPrefix(p.TenantID.String())) || storage.CheckKey(key) != nil {
		return nil, errNoVideo
	}
	blob, err := a.cfg.Blobs.Get(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, errNoVideo
	}
	if err != nil {
		return nil, err
	}
	defer blob.Close()
	data, err := io.ReadAll(io.LimitReader(blob, maxVideoRead))
	if err != nil {
		return nil, err
	}
	return &Video{Data: data, ContentType: video.ContentType}, nil
}
