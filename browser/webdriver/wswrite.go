package webdriver

import (
	"context"
	"time"

	"github.com/coder/websocket"
)

// wsWriteTimeout bounds one WebSocket write that goes on after its caller
// stopped waiting. A write that cannot finish in this time means the
// connection is stuck, and coder/websocket then closes it.
const wsWriteTimeout = 10 * time.Second

// writeText writes one text message on conn for a caller whose ctx may end
// at any time, without letting that end close the connection.
//
// coder/websocket closes the whole connection when the context of a write
// ends (even one that has already ended when Write is called). Passing the
// caller's context would let one cancelled command — a step timing out, a
// run being cancelled — kill the DevTools or BiDi connection every later
// command of the session needs. So a ctx that has already ended sends
// nothing; otherwise the write runs detached from ctx's cancellation
// (bounded by wsWriteTimeout) and the caller stops waiting for it when ctx
// ends.
func writeText(ctx context.Context, conn *websocket.Conn, msg []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() {
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), wsWriteTimeout)
		defer cancel()
		errc <- conn.Write(wctx, websocket.MessageText, msg)
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
