package main

import (
	"log/slog"

	"github.com/argusqa/argus/internal/config"
	"github.com/argusqa/argus/video"
)

// videoConfig is the recording configuration of the settings.
func videoConfig(cfg *config.Config, log *slog.Logger) video.Config {
	return video.Config{FFmpeg: cfg.FFmpeg, MaxBytes: int64(cfg.VideoMaxMB) << 20, Logger: log}
}
