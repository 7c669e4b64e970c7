package webdriver

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
)

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

// Screenshot returns a PNG of the current top-level browsing context's
// viewport.
func (s *Session) Screenshot(ctx context.Context) ([]byte, error) {
	var b64 string
	if err := s.get(ctx, "/screenshot", &b64); err != nil {
		return nil, err
	}
	return decodePNG(b64)
}

func decodePNG(b64 string) ([]byte, error) {
	png, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, fmt.Errorf("webdriver: screenshot: decode base64: %w", err)
	}
	if !bytes.HasPrefix(png, pngMagic) {
		return nil, fmt.Errorf("webdriver: screenshot: remote end did not send a PNG")
	}
	return png, nil
}
