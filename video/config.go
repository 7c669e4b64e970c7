package video

import (
	"errors"
	"log/slog"
)

// Defaults of Config.
const (
	// DefaultFPS is the frame rate of the WebM. Agents act a few times a
	// second at most; 5 frames a second shows every step and keeps the
	// encoder's share of two cores small.
	DefaultFPS = 5
	// DefaultMaxBytes caps one recording: at the default size and rate a
	// VP8 stream of an ordinary page is 30–100 kB a second, so 25 MiB
	// holds several minutes; ffmpeg stops writing at the cap and the file
	// stays playable up to there.
	DefaultMaxBytes = 25 << 20
	// DefaultMaxGap is the longest a single still frame is held. A page
	// that paints nothing for a minute (a long wait) would otherwise
	// become a minute of the same picture.
	DefaultMaxGap = 3
	// DefaultQuality is the JPEG quality asked of the browser.
	DefaultQuality = 60
)

// Config configures recordings. The zero value of each field means its
// documented default.
type Config struct {
	// FFmpeg is the ffmpeg executable. Default "ffmpeg" on PATH (Debian's
	// ffmpeg package).
	FFmpeg string
	// FPS is the output frame rate. Default 5.
	FPS int
	// MaxBytes caps the size of one WebM. Default 25 MiB.
	MaxBytes int64
	// MaxGapSeconds is the longest a still frame is held. Default 3.
	MaxGapSeconds int
	// Quality is the screencast's JPEG quality. Default 60.
	Quality int
	// Logger receives ffmpeg's complaints. Default slog.Default().
	Logger *slog.Logger
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.FFmpeg == "" {
		c.FFmpeg = "ffmpeg"
	}
	if c.FPS == 0 {
		c.FPS = DefaultFPS
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxGapSeconds == 0 {
		c.MaxGapSeconds = DefaultMaxGap
	}
	if c.Quality == 0 {
		c.Quality = DefaultQuality
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

func (c Config) validate() error {
	switch {
	case c.FPS < 1 || c.FPS > 30:
		return errors.New("video: FPS must be 1 to 30")
	case c.MaxBytes < 64<<10:
		return errors.New("video: MaxBytes must be at least 64 KiB")
	case c.MaxGapSeconds < 1:
		return errors.New("video: MaxGapSeconds must be at least 1")
	case c.Quality < 1 || c.Quality > 100:
		return errors.New("video: Quality must be 1 to 100")
	}
	return nil
}
