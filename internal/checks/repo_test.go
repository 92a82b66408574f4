package checks

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
)

func TestRunMemoComputesOncePerKey(t *testing.T) {
	var r Run
	var calls atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 50; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := r.Memo("go.mod", func() (any, error) {
				calls.Add(1)
				return "module x", nil
			})
			if err != nil || v != "module x" {
				t.Errorf("got %v %v", v, err)
			}
		}()
	}
	wg.Wait()
	if calls.Load() != 1 {
		t.Fatalf("computed %d times", calls.Load())
	}
	boom := errors.New("boom")
	if _, err := r.Memo("other", func() (any, error) { return nil, boom }); !errors.Is(err, boom) {
		t.Fatalf("error not kept: %v", err)
	}
}
