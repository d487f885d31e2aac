// Go for tst_server_config_live: the generated snippet (imports net/http and rs/cors, defines
// corsHandler), then a mux with one route. ./server PORT
package main

import (
	"fmt"
	"os"
)

// CORSLAB_SNIPPET

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/data", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Total-Count", "42")
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "ok")
	})
	if err := http.ListenAndServe("127.0.0.1:"+os.Args[1], corsHandler(mux)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
