package storage_test

import (
	"context"
	"fmt"
	"os"

	"github.com/argusqa/argus/integrations/storage"
)

func ExampleOpen() {
	// ARGUS_BLOB_URL selects the implementation: file:///dir or a plain
	// directory is local storage, gs://bucket/prefix is Google Cloud Storage.
	dir, err := os.MkdirTemp("", "blobs")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	blobs, err := storage.Open(context.Background(), "file://"+dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	key := storage.ScreenshotKey("tenant-1", "agent-1", 1, 3)
	if err := blobs.Put(context.Background(), key, []byte("png"), "image/png"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(key)
	// Output: tenant-1/agents/agent-1/1/003.png
}
