package app_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/argusqa/argus/app"
)

// fakeSMTP is a minimal SMTP server (RFC 5321 with AUTH PLAIN) that keeps
// what it receives, so the real net/smtp client is tested end to end.
type fakeSMTP struct {
	ln  net.Listener
	got chan string // "AUTH <user>\x00<pass>|MAIL FROM:<…>|RCPT TO:<…>|<data>"
}

func startFakeSMTP(t *testing.T) *fakeSMTP {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{ln: ln, got: make(chan string, 4)}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	r := bufio.NewReader(c)
	say := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
	say("220 fake ESMTP")
	var rec []string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		switch verb {
		case "EHLO":
			say("250-fake")
			say("250 AUTH PLAIN")
		case "AUTH":
			parts := strings.Fields(line)
			dec, _ := base64.StdEncoding.DecodeString(parts[len(parts)-1])
			rec = append(rec, "AUTH "+strings.TrimPrefix(string(dec), "\x00"))
			say("235 ok")
		case "MAIL", "RCPT":
			rec = append(rec, line)
			say("250 ok")
		case "DATA":
			say("354 go on")
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			rec = append(rec, data.String())
			say("250 queued")
			f.got <- strings.Join(rec, "|")
		case "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestSMTPMailer(t *testing.T) {
	f := startFakeSMTP(t)
	m, err := app.NewSMTPMailer("smtp://argus:pw%20x@"+f.ln.Addr().String(), "argus@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := m.Send(ctx, app.Mail{To: "ana@example.com", Subject: "Réinitialiser", Body: "line one\nline two\n"}); err != nil {
		t.Fatal(err)
	}
	got := <-f.got
	for _, want := range []string{"AUTH argus\x00pw x", "MAIL FROM:<argus@example.com>", "RCPT TO:<ana@example.com>",
		"Subject: =?utf-8?q?R=C3=A9initialiser?=", "To: ana@example.com", "line one\r\nline two\r\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("SMTP exchange lacks %q:\n%s", want, got)
		}
	}
	if err := m.Send(ctx, app.Mail{To: "not an address"}); err == nil {
		t.Error("a bad recipient was accepted")
	}
	if _, err := app.NewSMTPMailer("http://x", "a@b.c"); err == nil {
		t.Error("an http URL was accepted")
	}
}
