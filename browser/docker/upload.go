package docker

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/moby/moby/client"
)

// uploadDir is where uploaded files land inside the container. It is on the
// container's own filesystem, not the tmpfs /tmp: the Engine API copies
// into the container's filesystem layer and cannot see its tmpfs mounts.
const uploadDir = "argus-uploads"

// upload copies a local file into b's container for an <input type=file>
// and returns its path there. Each upload gets its own directory, so the
// page sees the file's original name.
func (p *Provider) upload(ctx context.Context, b *box, local string) (string, error) {
	f, err := os.Open(local)
	if err != nil {
		return "", fmt.Errorf("docker: upload: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("docker: upload: %w", err)
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("docker: upload %s: not a regular file", local)
	}
	dir := path.Join(uploadDir, randomHex(8))
	name := filepath.Base(local)
	pr, pw := io.Pipe()
	go func() {
		pw.CloseWithError(writeUploadTar(pw, dir, name, st.Size(), f))
	}()
	_, err = p.docker.CopyToContainer(ctx, b.id, client.CopyToContainerOptions{DestinationPath: "/", Content: pr})
	pr.Close()
	if err != nil {
		return "", fmt.Errorf("docker: upload %s into container %s: %w", name, shortID(b.id), err)
	}
	return "/" + path.Join(dir, name), nil
}

// writeUploadTar writes a tar stream holding the upload directories and the
// file, readable by the browser's unprivileged user.
func writeUploadTar(w io.Writer, dir, name string, size int64, r io.Reader) error {
	tw := tar.NewWriter(w)
	now := time.Now()
	for _, d := range []string{uploadDir, dir} {
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: d + "/", Mode: 0o755, ModTime: now}); err != nil {
			return err
		}
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: path.Join(dir, name), Mode: 0o644, Size: size, ModTime: now}); err != nil {
		return err
	}
	if _, err := io.CopyN(tw, r, size); err != nil {
		return fmt.Errorf("read upload: %w", err)
	}
	return tw.Close()
}
