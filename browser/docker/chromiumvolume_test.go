package docker

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/argusqa/argus/browser"
)

// chromiumVolumes lists the volumes whose names begin with prefix and
// removes them when the test ends.
func chromiumVolumes(tb testing.TB, c *client.Client, prefix string) []string {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := c.VolumeList(ctx, client.VolumeListOptions{Filters: make(client.Filters).Add("label", LabelChromiumImage)})
	if err != nil {
		tb.Fatalf("list volumes: %v", err)
	}
	var names []string
	for _, v := range res.Items {
		if strings.HasPrefix(v.Name, prefix+"-") {
			names = append(names, v.Name)
		}
	}
	return names
}

func removeVolumesAtEnd(tb testing.TB, c *client.Client, prefix string) {
	tb.Cleanup(func() {
		for _, name := range chromiumVolumes(tb, c, prefix) {
			if _, err := c.VolumeRemove(context.Background(), name, client.VolumeRemoveOptions{}); err != nil {
				tb.Errorf("remove test volume %s: %v", name, err)
			}
		}
	})
}

// TestChromiumVolumeFilledOnceAndMountedReadOnly: two providers starting
// together on a new volume prefix agree on one filled volume (the other
// copy is dropped), their containers mount it read-only where Chromium
// lives and still browse; a volume removed by hand is filled again.
func TestChromiumVolumeFilledOnceAndMountedReadOnly(t *testing.T) {
	c := dockerClient(t)
	prefix := "argus-chromium-test-" + randomHex(4)
	removeVolumesAtEnd(t, c, prefix)

	var providers [2]*Provider
	var wg sync.WaitGroup
	for i := range providers {
		wg.Go(func() {
			providers[i] = newTestProvider(t, Config{Docker: c, WarmSpares: -1, ChromiumVolumePrefix: prefix})
		})
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	vol := providers[0].chromiumVolume
	if vol == "" || vol != providers[1].chromiumVolume {
		t.Fatalf("providers use Chromium volumes %q and %q, want one shared volume", vol, providers[1].chromiumVolume)
	}
	if got := chromiumVolumes(t, c, prefix); len(got) != 2 {
		t.Errorf("volumes after two concurrent fills: %v, want the pointer and one filled volume", got)
	}

	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	p := providers[0]
	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "volume"})
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	res, err := c.ContainerInspect(ctx, onlyContainer(t, c, p.cfg.NodeName), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	mounted := false
	for _, m := range res.Container.Mounts {
		if m.Destination == chromiumDir {
			mounted = true
			if m.Name != vol || m.RW {
				t.Errorf("%s mounted from %q (read-write %v), want volume %q read-only", chromiumDir, m.Name, m.RW, vol)
			}
		}
	}
	if !mounted {
		t.Errorf("%s is not mounted from a volume; mounts: %+v", chromiumDir, res.Container.Mounts)
	}
	if err := s.Navigate(ctx, "about:blank"); err != nil {
		t.Fatalf("Navigate: %v", err)
	}
	if raw, err := s.ExecuteScript(ctx, "return 6*7"); err != nil || string(raw) != "42" {
		t.Errorf("script in the browser from the volume: %s, %v", raw, err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range providers {
		if err := p.Close(ctx); err != nil {
			t.Fatal(err)
		}
	}

	if _, err := c.VolumeRemove(ctx, vol, client.VolumeRemoveOptions{}); err != nil {
		t.Fatalf("remove the filled volume: %v", err)
	}
	again := newTestProvider(t, Config{Docker: c, WarmSpares: -1, ChromiumVolumePrefix: prefix})
	if again.chromiumVolume == "" || again.chromiumVolume == vol {
		t.Fatalf("after the filled volume was removed the provider uses %q, want a newly filled one", again.chromiumVolume)
	}
	s, err = again.Acquire(ctx, browser.AcquireOptions{AgentID: "refilled"})
	if err != nil {
		t.Fatalf("Acquire on the refilled volume: %v", err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestChromiumVolumeOfRemovedImageIsCleaned: a volume left for an image
// that no longer exists is removed when a provider starts.
func TestChromiumVolumeOfRemovedImageIsCleaned(t *testing.T) {
	c := dockerClient(t)
	prefix := "argus-chromium-test-" + randomHex(4)
	removeVolumesAtEnd(t, c, prefix)
	ctx := t.Context()
	stale := prefix + "-000000000000"
	if _, err := c.VolumeCreate(ctx, client.VolumeCreateOptions{Name: stale, Labels: map[string]string{
		LabelChromiumImage: "sha256:" + strings.Repeat("0", 64),
	}}); err != nil {
		t.Fatal(err)
	}
	newTestProvider(t, Config{Docker: c, WarmSpares: -1, ChromiumVolumePrefix: prefix})
	for _, name := range chromiumVolumes(t, c, prefix) {
		if name == stale {
			t.Errorf("volume %s of a removed image is still there", stale)
		}
	}
}

// TestChromiumVolumeDisabled: with the volume off, Chromium comes from the
// image and nothing is mounted on its directory.
func TestChromiumVolumeDisabled(t *testing.T) {
	c := dockerClient(t)
	prefix := "argus-chromium-test-" + randomHex(4)
	removeVolumesAtEnd(t, c, prefix)
	p := newTestProvider(t, Config{Docker: c, WarmSpares: -1, DisableChromiumVolume: true, ChromiumVolumePrefix: prefix})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	s, err := p.Acquire(ctx, browser.AcquireOptions{AgentID: "no-volume"})
	if err != nil {
		t.Fatalf("Acquire: %v", err)
	}
	defer func() { _ = s.Close(ctx) }()
	res, err := c.ContainerInspect(ctx, onlyContainer(t, c, p.cfg.NodeName), client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range res.Container.Mounts {
		if m.Destination == chromiumDir {
			t.Errorf("%s mounted from %q with the volume disabled", chromiumDir, m.Name)
		}
	}
	if got := chromiumVolumes(t, c, prefix); len(got) != 0 {
		t.Errorf("volumes created with the volume disabled: %v", got)
	}
}
