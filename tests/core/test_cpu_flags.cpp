// cpu_has_flag against Python's reading of /proc/cpuinfo: every flag of the
// first "flags" line is found, prefixes and unknown names are not.
#include <gtest/gtest.h>

#include <sstream>

#include "medcnn/core/cpu_flags.h"
#include "test_support.h"

TEST(CpuFlags, AgreeWithPythonsReadingOfProcCpuinfo) {
  const auto r = medcnn::test::run_command(
      "/usr/bin/python3 -c \"print(next((l.split(':', 1)[1] for l in open('/proc/cpuinfo') "
      "if l.startswith('flags')), ''))\"");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream words(r.out);
  int n = 0;
  for (std::string flag; words >> flag; ++n) {
    EXPECT_TRUE(medcnn::cpu_has_flag(flag)) << flag;
    // A strict prefix of a flag is not a flag (unless it is one itself).
    const std::string prefix = flag.substr(0, flag.size() - 1);
    if (!prefix.empty() && (" " + r.out + " ").find(" " + prefix + " ") == std::string::npos)
      EXPECT_FALSE(medcnn::cpu_has_flag(prefix)) << prefix;
  }
  if (n == 0) GTEST_SKIP() << "/proc/cpuinfo has no flags line here";
  EXPECT_FALSE(medcnn::cpu_has_flag("no_such_flag_xyz"));
}
