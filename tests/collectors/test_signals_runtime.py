"""Signal rules about runtime behaviour: servers (`server.*`) and shutdown (`shutdown.*`)."""

from scorecards.collectors.repo_files.source_scan import scan_source


def signals(path: str, text: str, language: str, prefix: str) -> list[dict]:
    return [s for s in scan_source(path, text, language) if s["rule"].startswith(prefix)]


def test_it_finds_an_express_listen_with_a_port_from_the_environment():
    found = signals(
        "src/app.js", "app.listen(process.env.PORT || 3000);\n", "javascript", "server."
    )
    assert found[0]["detail"] == {"server": "node_listen", "port": None, "env": True}


def test_it_records_a_hard_coded_port_of_a_go_server():
    found = signals("main.go", 'log.Fatal(http.ListenAndServe(":8080", mux))\n', "go", "server.")
    assert found[0]["detail"]["port"] == "8080"
    assert found[0]["detail"]["env"] is False


def test_it_records_a_flask_port_keyword():
    found = signals("app.py", "app.run(host='0.0.0.0', port=5000)\n", "python", "server.self")
    assert found[0]["detail"]["port"] == "5000"


def test_it_ignores_an_absl_app_run_of_main():
    assert not signals("tool.py", "app.run(main)\n", "python", "server.self")


def test_it_ignores_a_python_socket_listen_backlog():
    assert not signals("net.py", "sock.listen(100)\n", "python", "server.self")


def test_it_finds_an_aspnet_core_builder():
    found = signals(
        "Program.cs", "var builder = WebApplication.CreateBuilder(args);\n", "csharp", "server.self"
    )
    assert found[0]["detail"]["server"] == "aspnet"


def test_it_reads_a_spring_port_placeholder_as_from_the_environment():
    found = signals(
        "src/main/resources/application.properties",
        "server.port=${PORT:8080}\n",
        "properties",
        "server.port-setting",
    )
    assert found[0]["detail"]["env"] is True


def test_it_reads_a_gunicorn_bind_helper_as_from_the_environment():
    text = "bind = f\"0.0.0.0:{_env_int('PORT', 8000)}\"\n"
    found = signals("gunicorn.conf.py", text, "python", "server.port-setting")
    assert found[0]["detail"]["env"] is True


def test_it_flags_a_literal_gunicorn_bind():
    found = signals("gunicorn.conf.py", 'bind = "0.0.0.0:8000"\n', "python", "server.port-setting")
    assert found[0]["detail"] == {"setting": "gunicorn", "port": "8000", "env": False}


def test_it_finds_supervisord_nodaemon():
    found = signals("supervisord.conf", "[supervisord]\nnodaemon=true\n", "conf", "server.")
    assert found[0]["rule"] == "server.supervisord-nodaemon"


def test_it_finds_a_python_sigterm_handler():
    found = signals("worker.py", "signal.signal(signal.SIGTERM, stop)\n", "python", "shutdown.")
    assert found[0]["detail"] == {"how": "py_signal"}


def test_it_ignores_sending_sigterm_to_another_process():
    assert not signals("ops.py", "os.kill(pid, signal.SIGTERM)\n", "python", "shutdown.")


def test_it_finds_a_node_sigterm_listener():
    found = signals("server.ts", "process.on('SIGTERM', shutdown);\n", "typescript", "shutdown.")
    assert found[0]["detail"]["how"] == "node_process"


def test_it_finds_a_go_notify_on_sigterm():
    text = "signal.Notify(quit, syscall.SIGINT, syscall.SIGTERM)\n"
    assert signals("main.go", text, "go", "shutdown.handler")


def test_it_ignores_a_go_notify_of_interrupt_only():
    assert not signals("main.go", "signal.Notify(quit, os.Interrupt)\n", "go", "shutdown.")


def test_it_finds_a_ruby_term_trap():
    found = signals("config/puma.rb", 'Signal.trap("TERM") { stop }\n', "ruby", "shutdown.")
    assert found[0]["detail"]["how"] == "ruby_trap"


def test_it_finds_spring_graceful_shutdown():
    found = signals(
        "src/main/resources/application.yml", "  shutdown: graceful\n", "yaml", "shutdown.setting"
    )
    assert found[0]["detail"] == {"setting": "spring"}


def test_it_ignores_a_signal_handler_in_a_comment():
    assert not signals("app.js", "// process.on('SIGTERM', stop)\n", "javascript", "shutdown.")


def test_go_import_forms_of_backing_clients_do_not_fire_on_python_strings():
    from scorecards.collectors.repo_files.source_scan import scan_source

    python = scan_source("app/urls.py", 'DRIVERS = [\n    "github.com/lib/pq",\n]\n', "python")
    go = scan_source("db/db.go", 'import (\n\t"github.com/lib/pq"\n)\n', "go")
    assert [s for s in python if s["rule"] == "backing.client"] == []
    assert [s["detail"]["service"] for s in go if s["rule"] == "backing.client"] == ["postgres"]
