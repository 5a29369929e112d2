// measure_in_child(argv): runs argv (argv[0] an executable path) in a child
// process, so that each measurement gets a fresh process and its own peak
// memory; returns the last line of the child's stdout that starts with '{'
// parsed as JSON, with "peak_rss_mib" (the child's peak resident set size,
// MiB, from wait4's rusage) added. Error naming argv[0] and the exit status
// when the child fails.
#pragma once
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "medcnn/core/error.h"

namespace medcnn::bench {

inline nlohmann::json measure_in_child(const std::vector<std::string>& argv) {
  int fd[2];
  if (pipe(fd) != 0) throw IoError("pipe", "cannot create");
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fd[1], 1);
    close(fd[0]);
    close(fd[1]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fd[1]);
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = read(fd[0], buf, sizeof buf)) > 0;) out.append(buf, size_t(n));
  close(fd[0]);
  int status = 0;
  struct rusage ru {};
  wait4(pid, &status, 0, &ru);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw Error(argv[0], "measurement failed (status " + std::to_string(status) + "): " + out);
  nlohmann::json r;
  std::istringstream lines(out);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] == '{') r = nlohmann::json::parse(line);
  r["peak_rss_mib"] = ru.ru_maxrss / 1024.0;
  return r;
}

}  // namespace medcnn::bench
