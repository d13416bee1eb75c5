package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	logger := slog.New(slog.NewJSONHandler(os.Stdout, nil))
	server := &http.Server{Addr: ":" + os.Getenv("PORT")}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("all systems operational")) })
	go server.ListenAndServe()
	logger.Info("started")
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM)
	<-stop
	server.Shutdown(context.Background())
}
