package agent

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
)

// ReplayDir keeps replays as JSON files in a directory (by default
// .argus/replays beside the tests), one per test content hash, so they can
// be committed with the tests they belong to.
type ReplayDir struct {
	Dir string
}

var keyPattern = regexp.MustCompile(`^[0-9a-f]{16,128}$`)

func (d ReplayDir) path(key string) (string, error) {
	if !keyPattern.MatchString(key) {
		return "", fmt.Errorf("replay key %q is not a content hash", key)
	}
	return filepath.Join(d.Dir, key+".json"), nil
}

// Load returns the replay saved under key, or nil when there is none.
func (d ReplayDir) Load(key string) (*Replay, error) {
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r, err := UnmarshalReplay(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (delete the file to record it again)", p, err)
	}
	if r.Key != key {
		return nil, fmt.Errorf("%s holds the replay of another test version (key %s)", p, r.Key)
	}
	return r, nil
}

// Save writes r under its key, atomically.
func (d ReplayDir) Save(r *Replay) error {
	p, err := d.path(r.Key)
	if err != nil {
		return err
	}
	data, err := MarshalReplay(r)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(d.Dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(d.Dir, ".replay-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), p)
}
