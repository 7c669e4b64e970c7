package docker

import (
	"context"
	"fmt"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/api/types/mount"
	"github.com/moby/moby/client"
)

// Chromium's files (about 370 MB) reach the containers from a read-only
// named volume instead of the image's layers. With storage drivers that
// serve every container's layers through a mount of its own, such as
// fuse-overlayfs, a new container reads the browser binary again before
// its first page, which made a cold start about 250 ms slower; a volume's
// files are plain host files, read from the host's page cache.
//
// One volume is filled per image, by a short container that copies the
// image's own directory into it. Which filled volume serves an image is
// recorded in a second, empty "pointer" volume named after the image:
// Docker creates a name once, so when two processes fill at the same time
// the first pointer wins and the other process drops its copy. No lock is
// held, so none can be left behind by a process that dies mid-fill.

// chromiumDir is where the browser image keeps Chromium (Debian's layout).
const chromiumDir = "/usr/lib/chromium"

const (
	// LabelChromiumImage marks the volumes holding (or naming) the
	// Chromium files of the image whose ID it carries.
	LabelChromiumImage = "org.argusqa.chromium-image"
	// LabelChromiumFiles, on an image's pointer volume, names the volume
	// that holds its Chromium files.
	LabelChromiumFiles = "org.argusqa.chromium-files"
)

// strayFillAge is how old a filled volume that no pointer names must be
// before it is removed: younger ones may still be filling.
const strayFillAge = time.Hour

// prepareChromiumVolume finds or fills the volume with the image's
// Chromium files and returns its name.
func (p *Provider) prepareChromiumVolume(ctx context.Context, imageID string) (string, error) {
	pointer := p.cfg.ChromiumVolumePrefix + "-" + imageKey(imageID)
	res, err := p.docker.VolumeInspect(ctx, pointer, client.VolumeInspectOptions{})
	switch {
	case err == nil:
		name := res.Volume.Labels[LabelChromiumFiles]
		if _, ierr := p.docker.VolumeInspect(ctx, name, client.VolumeInspectOptions{}); name != "" && ierr == nil {
			return name, nil
		}
		// The files volume was removed by hand: the pointer goes and the
		// volume is filled again.
		if _, rerr := p.docker.VolumeRemove(ctx, pointer, client.VolumeRemoveOptions{}); rerr != nil && !cerrdefs.IsNotFound(rerr) {
			return "", fmt.Errorf("remove volume %s, which names the missing volume %q: %w", pointer, name, rerr)
		}
	case !cerrdefs.IsNotFound(err):
		return "", fmt.Errorf("inspect volume %s: %w", pointer, err)
	}

	filled := pointer + "-" + randomHex(4)
	start := time.Now()
	if err := p.fillChromiumVolume(ctx, imageID, filled); err != nil {
		p.removeVolume(filled)
		return "", err
	}
	created, err := p.docker.VolumeCreate(ctx, client.VolumeCreateOptions{
		Name:   pointer,
		Labels: map[string]string{LabelChromiumImage: imageID, LabelChromiumFiles: filled},
	})
	if err != nil {
		p.removeVolume(filled)
		return "", fmt.Errorf("create volume %s: %w", pointer, err)
	}
	if winner := created.Volume.Labels[LabelChromiumFiles]; winner != filled {
		// Another process filled one at the same time and named it first.
		p.removeVolume(filled)
		return winner, nil
	}
	p.log.Info("Chromium files copied to a volume shared by the browser containers", "volume", filled, "took", time.Since(start).Round(time.Millisecond))
	return filled, nil
}

// fillChromiumVolume creates the volume and copies the image's Chromium
// directory into it with a container of that image that has no network,
// no capabilities and exits when the copy is done.
func (p *Provider) fillChromiumVolume(ctx context.Context, imageID, volume string) error {
	labels := map[string]string{LabelChromiumImage: imageID}
	if _, err := p.docker.VolumeCreate(ctx, client.VolumeCreateOptions{Name: volume, Labels: labels}); err != nil {
		return fmt.Errorf("create volume %s: %w", volume, err)
	}
	created, err := p.docker.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: volume + "-fill",
		Config: &container.Config{
			Image:      imageID,
			User:       "0:0",
			Entrypoint: []string{"sh", "-c", "cp -a " + chromiumDir + "/. /fill/"},
			Labels:     labels,
		},
		HostConfig: &container.HostConfig{
			NetworkMode: "none",
			CapDrop:     []string{"ALL"},
			SecurityOpt: []string{"no-new-privileges"},
			Mounts: []mount.Mount{{
				Type: mount.TypeVolume, Source: volume, Target: "/fill",
				VolumeOptions: &mount.VolumeOptions{NoCopy: true},
			}},
		},
	})
	if err != nil {
		return fmt.Errorf("create the container that fills volume %s: %w", volume, err)
	}
	defer func() { _ = p.removeContainer(context.WithoutCancel(ctx), created.ID) }()
	wait := p.docker.ContainerWait(ctx, created.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := p.docker.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		return fmt.Errorf("start the container that fills volume %s: %w", volume, err)
	}
	select {
	case res := <-wait.Result:
		if res.StatusCode != 0 {
			return fmt.Errorf("copy %s of image %s into volume %s: exit status %d: %s",
				chromiumDir, shortID(strings.TrimPrefix(imageID, "sha256:")), volume, res.StatusCode, p.logTail(context.WithoutCancel(ctx), created.ID))
		}
		return nil
	case err := <-wait.Error:
		return fmt.Errorf("wait for the container that fills volume %s: %w", volume, err)
	}
}

// cleanChromiumVolumes removes the volumes of images that no longer exist
// and filled volumes that no pointer names (left by a process that died
// while filling, or lost a race and could not remove its copy). Volumes in
// use are kept: the engine refuses to remove them.
func (p *Provider) cleanChromiumVolumes(ctx context.Context) {
	res, err := p.docker.VolumeList(ctx, client.VolumeListOptions{Filters: make(client.Filters).Add("label", LabelChromiumImage)})
	if err != nil {
		p.log.Debug("listing Chromium volumes failed", "err", err)
		return
	}
	pointed := map[string]bool{}
	for _, v := range res.Items {
		if f := v.Labels[LabelChromiumFiles]; f != "" {
			pointed[f] = true
		}
	}
	imageGone := map[string]bool{}
	for _, v := range res.Items {
		img := v.Labels[LabelChromiumImage]
		gone, seen := imageGone[img]
		if !seen {
			_, err := p.docker.ImageInspect(ctx, img)
			gone = cerrdefs.IsNotFound(err)
			imageGone[img] = gone
		}
		stray := false
		if v.Labels[LabelChromiumFiles] == "" && !pointed[v.Name] {
			created, err := time.Parse(time.RFC3339, v.CreatedAt)
			stray = err == nil && time.Since(created) > strayFillAge
		}
		if gone || stray {
			p.removeVolume(v.Name)
		}
	}
}

// removeVolume removes a volume, best effort.
func (p *Provider) removeVolume(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.DestroyTimeout)
	defer cancel()
	if _, err := p.docker.VolumeRemove(ctx, name, client.VolumeRemoveOptions{}); err != nil && !cerrdefs.IsNotFound(err) {
		p.log.Debug("volume not removed", "volume", name, "err", err)
	}
}

// chromiumMount mounts the volume read-only where the image keeps
// Chromium. NoCopy: a volume that has gone missing comes back empty, and
// the session fails to find the browser, rather than being silently filled
// by the engine while other containers may be reading it.
func chromiumMount(volume string) mount.Mount {
	return mount.Mount{
		Type: mount.TypeVolume, Source: volume, Target: chromiumDir, ReadOnly: true,
		VolumeOptions: &mount.VolumeOptions{NoCopy: true},
	}
}

// imageKey is the part of an image ID that names its volumes.
func imageKey(imageID string) string {
	id := strings.TrimPrefix(imageID, "sha256:")
	if len(id) > 12 {
		id = id[:12]
	}
	return id
}
