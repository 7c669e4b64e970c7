package local

import (
	"os/exec"
	"runtime"
	"sync"
)

// Chromedriver is started with Pdeathsig (PR_SET_PDEATHSIG) set to
// SIGKILL, so the kernel kills it when this process dies, however it dies.
// The signal is tied to the parent *thread*, not the process: it fires
// when the OS thread that forked the child exits. os/exec forks on
// whatever thread the calling goroutine happens to run on, and the Go
// runtime ends a thread when a goroutine that locked it with
// runtime.LockOSThread returns without unlocking. Any such goroutine
// anywhere in the program could thus kill a healthy chromedriver.
//
// So every chromedriver is forked from one goroutine that locks its thread
// and never returns: that thread lives exactly as long as the process, and
// Pdeathsig means "when this process dies".

type spawnReq struct {
	cmd  *exec.Cmd
	done chan error
}

var (
	spawnOnce sync.Once
	spawnc    chan spawnReq
)

// startOnSpawnThread runs cmd.Start on the dedicated spawning thread.
func startOnSpawnThread(cmd *exec.Cmd) error {
	spawnOnce.Do(func() {
		spawnc = make(chan spawnReq)
		go spawnLoop(spawnc)
	})
	req := spawnReq{cmd: cmd, done: make(chan error, 1)}
	spawnc <- req
	return <-req.done
}

func spawnLoop(reqs <-chan spawnReq) {
	// Never unlocked, and the loop never returns: the thread must outlive
	// every child forked from it.
	runtime.LockOSThread()
	for req := range reqs {
		req.done <- req.cmd.Start()
	}
}
