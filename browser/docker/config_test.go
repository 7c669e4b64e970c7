package docker

import (
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDefaultsKeepTheProductPromises(t *testing.T) {
	c := Config{NodeName: "n1"}.WithDefaults()
	if err := c.validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if c.MaxSessions != 5 {
		t.Errorf("MaxSessions = %d, want 5 containers per node", c.MaxSessions)
	}
	if c.IdleTimeout != 600*time.Second {
		t.Errorf("IdleTimeout = %s, want 600 s", c.IdleTimeout)
	}
	if c.DestroyTimeout != 5*time.Second {
		t.Errorf("DestroyTimeout = %s, want 5 s", c.DestroyTimeout)
	}
	if c.Image != DefaultImage || c.WarmSpares != 1 || c.ShmSizeBytes != 1<<30 || c.MemoryBytes != 2<<30 || c.PidsLimit != 1024 {
		t.Errorf("unexpected defaults: %+v", c)
	}
	if slices.Contains(c.Session.ChromeArgs, "--disable-dev-shm-usage") {
		t.Error("default Chrome flags move shared memory off the sized /dev/shm")
	}
	for _, f := range []string{"--headless=new", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"} {
		if !slices.Contains(c.Session.ChromeArgs, f) {
			t.Errorf("default Chrome flags lack %s", f)
		}
	}
	if h, _ := os.Hostname(); h != "" && (Config{}).WithDefaults().NodeName != h {
		t.Errorf("NodeName defaults to %q, want the host name %q", (Config{}).WithDefaults().NodeName, h)
	}
}

func TestDefaultImageIsWhatTheBuildScriptTags(t *testing.T) {
	v, err := os.ReadFile("../../docker/browser/VERSION")
	if err != nil {
		t.Fatal(err)
	}
	if want := "argus-browser:" + strings.TrimSpace(string(v)); DefaultImage != want {
		t.Fatalf("DefaultImage = %q, but docker/browser/build.sh tags %q", DefaultImage, want)
	}
}

func TestValidateRejectsUnusableConfigs(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"node with spaces", Config{NodeName: "my node"}, "node name"},
		{"node too long", Config{NodeName: strings.Repeat("n", 64)}, "node name"},
		{"no network", Config{Network: "none"}, `network "none"`},
		{"shared network", Config{Network: "container:db"}, "sharing another container"},
		{"tiny shm", Config{ShmSizeBytes: 1 << 20}, "shm size"},
		{"memory below shm", Config{MemoryBytes: 512 << 20}, "below the /dev/shm size"},
		{"negative pids", Config{PidsLimit: -1}, "must not be negative"},
		{"negative cap", Config{MaxSessions: -2}, "max sessions"},
		{"spares above cap", Config{MaxSessions: 2, WarmSpares: 3}, "exceed the cap"},
		{"malformed env", Config{Env: []string{"NOVALUE"}}, "NAME=value"},
		{"grace eats destroy time", Config{StopGrace: 5 * time.Second}, "stop grace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.cfg.NodeName == "" {
				tc.cfg.NodeName = "n1"
			}
			err := tc.cfg.WithDefaults().validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("validate() = %v, want an error about %q", err, tc.want)
			}
		})
	}
}

func TestNewRefusesBadConfigBeforeContactingDocker(t *testing.T) {
	_, err := New(context.Background(), Config{NodeName: "bad node", Network: "none"})
	if err == nil || !strings.Contains(err.Error(), "node name") || !strings.Contains(err.Error(), "network") {
		t.Fatalf("New = %v, want both problems reported", err)
	}
}

// dockerName is the engine's rule for container names.
var dockerName = regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9_.-]+$`)

func TestAgentNameIsAValidContainerName(t *testing.T) {
	for _, agent := range []string{"agent-42", "ü/ber agent:7", "", strings.Repeat("x", 200)} {
		n := agentName("node1", agent)
		if !dockerName.MatchString(n) || len(n) > 128 {
			t.Errorf("agentName(%q) = %q is not a valid container name", agent, n)
		}
	}
}
