package jobs

import (
	"context"
	"fmt"

	"github.com/argusqa/argus/integrations/storage"
	"github.com/argusqa/argus/store"
)

// keepVideo finishes the attempt's recording and, when the video mode
// keeps agents that ended as out.Status, stores it and sets out's video
// fields. A recording that cannot be kept is logged and dropped: the
// verdict never depends on it.
func (r *attemptRun) keepVideo(ctx context.Context, out *store.AgentResult) {
	rec := r.rec
	if rec == nil {
		return
	}
	r.rec = nil
	if !r.video.Keep(string(out.Status)) {
		rec.Discard(ctx)
		return
	}
	data, err := rec.Finish(ctx)
	if err != nil {
		r.log.Warn("the agent's video could not be made", "error", err)
		return
	}
	key := storage.VideoKey(r.tenant.String(), r.agent.ID.String(), r.attempt)
	if err := r.j.cfg.Blobs.Put(ctx, key, data, "video/webm"); err != nil {
		r.log.Warn("the agent's video could not be stored", "error", err)
		return
	}
	url := fmt.Sprintf("%s/api/v1/agents/%s/video", r.j.cfg.PublicURL, r.agent.ID)
	out.VideoKey, out.VideoURL = &key, &url
	r.log.Info("video kept", "bytes", len(data), "frames", rec.Frames(), "truncated", rec.Truncated())
}

// dropVideo throws away a recording no verdict claimed (a retried or
// interrupted attempt).
func (r *attemptRun) dropVideo(ctx context.Context) {
	if r.rec != nil {
		r.rec.Discard(context.WithoutCancel(ctx))
		r.rec = nil
	}
}
