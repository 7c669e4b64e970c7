package docker

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/argusqa/argus/browser"
)

// Defaults of Config. The cap, the idle timeout and the destroy timeout are
// product promises (see the trust center); change them only with the docs.
const (
	// DefaultImage is the browser image docker/browser/build.sh (make
	// browser-image) produces; its tag is docker/browser/VERSION.
	DefaultImage = "argus-browser:1"
	// DefaultMemoryBytes limits a container's memory, /dev/shm and the
	// tmpfs /tmp included; swap is not allowed on top.
	DefaultMemoryBytes = 2 << 30
	// DefaultPidsLimit bounds processes and threads per container. Chromium
	// with a few tabs uses a few hundred threads.
	DefaultPidsLimit = 1024
	// DefaultShmSizeBytes sizes /dev/shm, where Chromium keeps shared
	// memory between its processes; Docker's 64 MB default makes it crash.
	DefaultShmSizeBytes = 1 << 30
	// DefaultTmpSizeBytes sizes the tmpfs mounted on /tmp, which holds the
	// browser profile.
	DefaultTmpSizeBytes = 512 << 20
	// DefaultWarmSpares is how many containers with an open session are
	// kept ready, inside the cap.
	DefaultWarmSpares = 1
	// DefaultStartTimeout bounds one container start: create, start, wait
	// for chromedriver's /status and open the session.
	DefaultStartTimeout = 60 * time.Second
	// DefaultDestroyTimeout is the promise that a closed session's
	// container is gone within 5 s.
	DefaultDestroyTimeout = 5 * time.Second
	// DefaultStopGrace is how long a container may take to exit after
	// SIGTERM before it is killed. By then the WebDriver session has been
	// deleted and Chromium has exited, so chromedriver is all that is left.
	DefaultStopGrace = 1 * time.Second
	// DefaultReapInterval is how often the reaper looks for containers of
	// this node that no live session owns.
	DefaultReapInterval = time.Minute
	// DefaultChromiumVolumePrefix begins the names of the volumes that
	// hold an image's Chromium files (chromiumvolume.go).
	DefaultChromiumVolumePrefix = "argus-chromium"
)

// minShmSizeBytes is the smallest /dev/shm the provider accepts: below it
// Chromium's renderers fail on ordinary pages.
const minShmSizeBytes = 64 << 20

// Config configures a Provider. The zero value is usable: every field
// documents its default.
type Config struct {
	// Docker is the Engine API client. Nil means a client configured from
	// the environment (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)
	// that negotiates the API version with the engine; the provider closes
	// a client it created.
	Docker *client.Client

	// Image is the browser image; default DefaultImage. It must run
	// chromedriver on port 4444 like docker/browser's entrypoint does.
	Image string
	// Network is what the containers are attached to: "" means Docker's
	// default bridge; "host" shares the host's network, for applications
	// under test that listen on the host's loopback (chromedriver then
	// listens on a free loopback port of the host); any other value names
	// an existing Docker network, e.g. the one holding the application
	// under test.
	Network string

	// Env is extra environment for the containers, e.g.
	// ARGUS_WEBDRIVER_ALLOWED_IPS for engines where connections through a
	// published port do not come from the container's gateway (rootless
	// Docker). Nil means none.
	Env []string

	// MemoryBytes limits each container's memory; 0 means 2 GiB.
	MemoryBytes int64
	// PidsLimit limits each container's processes and threads; 0 means
	// 1024.
	PidsLimit int64
	// ShmSizeBytes sizes /dev/shm; 0 means 1 GiB (at least 64 MiB).
	ShmSizeBytes int64
	// TmpSizeBytes sizes the tmpfs on /tmp that holds the browser profile;
	// 0 means 512 MiB.
	TmpSizeBytes int64
	// NanoCPUs limits each container's CPU in billionths of a CPU; 0 means
	// no limit.
	NanoCPUs int64

	// MaxSessions is the per-node cap of containers, warm spares and
	// containers being removed included; 0 means 5.
	MaxSessions int
	// WarmSpares is how many containers with an open session to keep
	// ready; 0 means 1, negative disables spares. A spare serves an
	// Acquire with the default viewport; it never serves two agents.
	WarmSpares int

	// Session is the template for every session (page load, script and
	// action timeouts, Chrome flags...). Name, Width, Height, IdleTimeout,
	// OnClose, UploadFile, HTTPClient and Logger are set by the provider. ChromeArgs nil means
	// browser.DefaultChromeArgs() without --disable-dev-shm-usage, since
	// the container has a sized /dev/shm.
	Session browser.SessionConfig
	// IdleTimeout closes a session (and removes its container) when it got
	// no command for that long; 0 means 600 s, negative disables. A spare
	// waiting longer than this is replaced by a fresh one.
	IdleTimeout time.Duration
	// StartTimeout bounds starting one container up to an open session; 0
	// means 60 s.
	StartTimeout time.Duration
	// DestroyTimeout bounds removing a container; 0 means 5 s.
	DestroyTimeout time.Duration
	// StopGrace is how long a container may take to exit after SIGTERM
	// before it is killed; 0 means 1 s. The Engine API counts it in whole
	// seconds, rounding up.
	StopGrace time.Duration
	// ReapInterval is how often the reaper runs after the one at start; 0
	// means 1 min, negative disables the periodic runs.
	ReapInterval time.Duration

	// DisableChromiumVolume reads Chromium from each container's image
	// layers. By default the provider copies the image's Chromium
	// directory once into a named volume and mounts it read-only in every
	// container, which makes cold starts about 250 ms faster where the
	// storage driver reads layers per container (fuse-overlayfs).
	DisableChromiumVolume bool
	// ChromiumVolumePrefix begins the names of those volumes (the image ID
	// follows); empty means DefaultChromiumVolumePrefix. Providers sharing
	// an engine share the volumes.
	ChromiumVolumePrefix string

	// NodeName is the node label of the containers and what the reaper
	// scopes itself to; empty means the host name. Two providers sharing a
	// Docker engine must have different node names, or each reaps the
	// other's containers.
	NodeName string

	// Logger receives lifecycle messages; nil discards them.
	Logger *slog.Logger
}

// WithDefaults returns c with zero fields set to their defaults.
func (c Config) WithDefaults() Config {
	if c.Image == "" {
		c.Image = DefaultImage
	}
	if c.MemoryBytes == 0 {
		c.MemoryBytes = DefaultMemoryBytes
	}
	if c.PidsLimit == 0 {
		c.PidsLimit = DefaultPidsLimit
	}
	if c.ShmSizeBytes == 0 {
		c.ShmSizeBytes = DefaultShmSizeBytes
	}
	if c.TmpSizeBytes == 0 {
		c.TmpSizeBytes = DefaultTmpSizeBytes
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = browser.DefaultMaxSessions
	}
	if c.WarmSpares == 0 {
		c.WarmSpares = DefaultWarmSpares
	}
	if c.Session.ChromeArgs == nil {
		for _, a := range browser.DefaultChromeArgs() {
			if a != "--disable-dev-shm-usage" {
				c.Session.ChromeArgs = append(c.Session.ChromeArgs, a)
			}
		}
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = browser.DefaultIdleTimeout
	}
	if c.StartTimeout == 0 {
		c.StartTimeout = DefaultStartTimeout
	}
	if c.DestroyTimeout == 0 {
		c.DestroyTimeout = DefaultDestroyTimeout
	}
	if c.StopGrace == 0 {
		c.StopGrace = DefaultStopGrace
	}
	if c.ReapInterval == 0 {
		c.ReapInterval = DefaultReapInterval
	}
	if c.ChromiumVolumePrefix == "" {
		c.ChromiumVolumePrefix = DefaultChromiumVolumePrefix
	}
	if c.NodeName == "" {
		if h, err := os.Hostname(); err == nil {
			c.NodeName = h
		}
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// validNodeName keeps node names usable in container names and label
// filters.
var validNodeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$`)

// validVolumeName keeps the volume prefix a valid Docker volume name.
var validVolumeName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,100}$`)

// validate reports settings no provider can work with. It expects
// WithDefaults to have run.
func (c Config) validate() error {
	var errs []error
	if c.NodeName == "" {
		errs = append(errs, errors.New("node name is empty and the host name is unknown; set NodeName"))
	} else if !validNodeName.MatchString(c.NodeName) {
		errs = append(errs, fmt.Errorf("node name %q: want 1–63 letters, digits, '_', '.' or '-', starting with a letter or digit", c.NodeName))
	}
	if !validVolumeName.MatchString(c.ChromiumVolumePrefix) {
		errs = append(errs, fmt.Errorf("chromium volume prefix %q: want letters, digits, '_', '.' or '-', starting with a letter or digit", c.ChromiumVolumePrefix))
	}
	switch c.Network {
	case "none":
		errs = append(errs, errors.New(`network "none": the provider could not reach chromedriver`))
	default:
		if strings.HasPrefix(c.Network, "container:") {
			errs = append(errs, fmt.Errorf("network %q: sharing another container's network is not supported", c.Network))
		}
	}
	for _, e := range c.Env {
		if k, _, ok := strings.Cut(e, "="); !ok || k == "" {
			errs = append(errs, fmt.Errorf("env %q: want NAME=value", e))
		}
	}
	if c.MemoryBytes < 0 || c.PidsLimit < 0 || c.TmpSizeBytes < 0 || c.NanoCPUs < 0 {
		errs = append(errs, errors.New("memory, pids, tmp size and CPU limits must not be negative"))
	}
	if c.ShmSizeBytes < minShmSizeBytes {
		errs = append(errs, fmt.Errorf("shm size %d bytes: Chromium needs at least %d", c.ShmSizeBytes, minShmSizeBytes))
	}
	if c.MemoryBytes > 0 && c.MemoryBytes < c.ShmSizeBytes {
		errs = append(errs, fmt.Errorf("memory limit %d bytes is below the /dev/shm size %d bytes it has to hold", c.MemoryBytes, c.ShmSizeBytes))
	}
	if c.MaxSessions < 0 {
		errs = append(errs, fmt.Errorf("max sessions %d: must be positive", c.MaxSessions))
	}
	if c.WarmSpares > c.MaxSessions {
		errs = append(errs, fmt.Errorf("warm spares %d exceed the cap of %d sessions", c.WarmSpares, c.MaxSessions))
	}
	if c.StartTimeout < 0 || c.DestroyTimeout < 0 || c.StopGrace < 0 {
		errs = append(errs, errors.New("start timeout, destroy timeout and stop grace must not be negative"))
	}
	if c.StopGrace >= c.DestroyTimeout {
		errs = append(errs, fmt.Errorf("stop grace %s leaves no time to remove the container within the destroy timeout %s", c.StopGrace, c.DestroyTimeout))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("docker provider config: %w", err)
	}
	return nil
}

// spares returns the number of warm spares to keep.
func (c Config) spares() int {
	if c.WarmSpares < 0 {
		return 0
	}
	return c.WarmSpares
}
