package server_test

import (
	"os"
	"strconv"
	"testing"
	"time"
)

// TestLoadTarget serves a seeded API for an external load generator such
// as wrk; it runs only when ARGUS_LOAD_TARGET_SECONDS is set, and writes
// the agent URL and a bearer key to ARGUS_LOAD_TARGET_FILE:
//
//	ARGUS_LOAD_TARGET_SECONDS=40 ARGUS_LOAD_TARGET_FILE=/tmp/target \
//	  go test ./server -run TestLoadTarget &
//	wrk -t2 -c32 -d20s --latency -H "Authorization: Bearer $(cut -d' ' -f2 /tmp/target)" $(cut -d' ' -f1 /tmp/target)
func TestLoadTarget(t *testing.T) {
	secs, _ := strconv.Atoi(os.Getenv("ARGUS_LOAD_TARGET_SECONDS"))
	file := os.Getenv("ARGUS_LOAD_TARGET_FILE")
	if secs <= 0 || file == "" {
		t.Skip("set ARGUS_LOAD_TARGET_SECONDS and ARGUS_LOAD_TARGET_FILE to serve a load target")
	}
	e := newEnv(t, func(c *envConfig) { c.App.APIKeyCacheTTL = 0 })
	a := e.world("acme")
	target := e.url + "/api/v1/agents/" + a.agent.ID.String() + " " + a.memberKey.Plaintext + "\n"
	if err := os.WriteFile(file, []byte(target), 0o600); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Duration(min(secs, 600)) * time.Second)
}
