package discovery

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// Files WriteDir writes.
const (
	MapFile       = "app-map.json"
	SuggestedFile = "suggested-tests.yaml"
)

// MapJSON is the map as indented JSON.
func (r *Result) MapJSON() ([]byte, error) {
	b, err := json.MarshalIndent(r.Map, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("discovery: encode the map: %w", err)
	}
	return append(b, '\n'), nil
}

// WriteDir writes the map (MapFile) and the suggested tests
// (SuggestedFile) into dir, creating it.
func (r *Result) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	mj, err := r.MapJSON()
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, MapFile), mj, 0o644); err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, SuggestedFile), r.SuggestedYAML(), 0o644); err != nil {
		return fmt.Errorf("discovery: %w", err)
	}
	return nil
}
