// Package video records what an agent's browser shows as a WebM file:
// the browser's screencast frames (JPEG, sent only when the page paints)
// are laid on a constant frame rate by their paint times and piped to
// ffmpeg, which encodes VP8 into WebM, bounded in size.
//
// Whether a run is recorded, and whether its recording is kept, is the
// test's or project's Mode: off (default, nothing recorded), on, or
// on-failure (recorded, kept only when the agent failed or errored).
package video
