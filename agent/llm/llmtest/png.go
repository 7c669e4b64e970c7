package llmtest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
)

// PNG returns a small valid PNG image, a stand-in for a page screenshot.
func PNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 4, 3))
	for x := range 4 {
		for y := range 3 {
			img.Set(x, y, color.RGBA{R: uint8(60 * x), G: uint8(80 * y), B: 200, A: 255})
		}
	}
	var buf bytes.Buffer
	// Encoding an in-memory RGBA image into a buffer has no failure mode.
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
