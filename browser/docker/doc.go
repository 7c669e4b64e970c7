// Package docker is the browser provider that gives every agent its own
// ephemeral container: Chromium and chromedriver from the Argus browser
// image (docker/browser), started through the Docker Engine API and removed
// when the session closes.
//
// # Isolation and limits
//
// Each container is labelled as Argus's (managed flag, node name, agent id,
// owning provider), runs as a non-root user with no capabilities and
// no-new-privileges, under memory and pid limits, with a sized /dev/shm and
// a tmpfs /tmp so the browser profile lives in memory. Its WebDriver port
// is published on 127.0.0.1 only. With Config.Network "host" (for
// applications under test that listen on the host's loopback) chromedriver
// listens on a loopback port of the host instead.
//
// # Chromium from a shared, read-only volume
//
// At start the provider copies the image's /usr/lib/chromium once into a
// named volume (argus-chromium-<image id>-<suffix>, labelled
// org.argusqa.chromium-image) and mounts it read-only in every container,
// so that a container's first page does not wait for the browser binary
// to be read through its own copy of the image layers (about 250 ms on
// fuse-overlayfs). The containers use the image by the ID found at start.
// Volumes of images that no longer exist are removed when a provider
// starts; Config.DisableChromiumVolume turns the volume off.
//
// # The cap, the warm spare and cleanup
//
// The provider enforces its per-node cap itself: at most Config.MaxSessions
// (default 5) containers exist at any time, counting warm spares and
// containers still being removed; an Acquire beyond it waits, for as long as
// its context allows. A warm spare is a container whose browser session is
// already open, so an agent with the default viewport starts without
// waiting for Chromium's cold start.
//
// Closing a session (or the idle watchdog, after Config.IdleTimeout without
// a command) stops and removes the container within 5 s, forcing it after
// the grace period, and checks that it is gone before the slot is given
// back. A reaper removes Argus containers of this node that no live session
// of this provider owns — what a crashed worker left behind — when the
// provider starts and every Config.ReapInterval; Provider.Reap runs it on
// demand, for example from a periodic job.
package docker
