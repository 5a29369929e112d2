#include "medcnn/io/wfdb.h"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "medcnn/core/error.h"

namespace fs = std::filesystem;

namespace medcnn {

namespace {

struct SignalSpec {
  std::string file;
  int format = 0;
  double gain = 200.0;
  int baseline = 0;
  std::string units = "mV";
  std::string description;
};

std::vector<std::string> content_lines(std::istream& in) {
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    out.push_back(line.substr(first));
  }
  return out;
}

}  // namespace

bool is_wfdb_header(const std::string& path) {
  return fs::path(path).extension() == ".hea";
}

Image read_wfdb(const std::string& path_in) {
  fs::path hea(path_in);
  if (hea.extension() == ".dat") hea.replace_extension(".hea");
  std::error_code ec;
  if (!fs::exists(hea, ec)) throw IoError(hea.string(), "no such file (WFDB header)");
  std::ifstream in(hea);
  if (!in) throw IoError(hea.string(), "cannot open");
  auto lines = content_lines(in);
  if (lines.empty()) throw FormatError(hea.string(), "empty WFDB header");

  std::istringstream rec(lines[0]);
  std::string name, fs_field;
  int nsig = 0;
  long long nsamp = 0;
  rec >> name >> nsig >> fs_field >> nsamp;
  if (!rec || nsig < 1 || nsamp < 1)
    throw FormatError(hea.string(), "record line must be 'name signals frequency samples', got '" +
                                        lines[0] + "'");
  double freq = std::stod(fs_field.substr(0, fs_field.find('/')));
  if (static_cast<int>(lines.size()) < 1 + nsig)
    throw FormatError(hea.string(), "header names " + std::to_string(nsig) +
                                        " signals but has fewer signal lines");

  std::vector<SignalSpec> sig(nsig);
  for (int i = 0; i < nsig; ++i) {
    std::istringstream s(lines[1 + i]);
    std::string gain_field;
    int adc_res = 0, adc_zero = 0;
    s >> sig[i].file >> sig[i].format >> gain_field >> adc_res >> adc_zero;
    if (!s) throw FormatError(hea.string(), "bad signal line '" + lines[1 + i] + "'");
    sig[i].baseline = adc_zero;
    // gain field: "200", "200(0)/mV", "200/mV"
    std::string g = gain_field;
    auto slash = g.find('/');
    if (slash != std::string::npos) {
      sig[i].units = g.substr(slash + 1);
      g = g.substr(0, slash);
    }
    auto paren = g.find('(');
    if (paren != std::string::npos) {
      sig[i].baseline = std::stoi(g.substr(paren + 1));
      g = g.substr(0, paren);
    }
    sig[i].gain = std::stod(g);
    if (sig[i].gain == 0) sig[i].gain = 200.0;  // WFDB default
    std::string skip;
    s >> skip >> skip >> skip;  // initial value, checksum, block size
    std::getline(s, sig[i].description);
    auto f = sig[i].description.find_first_not_of(' ');
    sig[i].description = f == std::string::npos ? "" : sig[i].description.substr(f);
    if (sig[i].file != sig[0].file || sig[i].format != sig[0].format)
      throw FormatError(hea.string(), "signals in several files or formats are not supported");
  }
  int format = sig[0].format;
  if (format != 212 && format != 16)
    throw FormatError(hea.string(), "WFDB signal format " + std::to_string(format) +
                                        " is not supported (use 16 or 212)");

  fs::path dat = hea.parent_path() / sig[0].file;
  std::ifstream d(dat, std::ios::binary);
  if (!d) throw IoError(dat.string(), "cannot open WFDB signal file named in " + hea.string());
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(d)), {});
  const long long total = nsamp * nsig;
  const long long need = format == 212 ? (total * 3 + 1) / 2 : total * 2;
  if (static_cast<long long>(bytes.size()) < need)
    throw FormatError(dat.string(), "file has " + std::to_string(bytes.size()) + " bytes, header " +
                                        hea.filename().string() + " implies " + std::to_string(need));

  auto adu = torch::empty({total}, torch::kInt);
  int32_t* a = adu.data_ptr<int32_t>();
  if (format == 212) {
    for (long long k = 0; k < total; ++k) {
      const uint8_t* p = bytes.data() + (k / 2) * 3;
      int v = (k % 2 == 0) ? (p[0] | ((p[1] & 0x0F) << 8)) : (p[2] | ((p[1] & 0xF0) << 4));
      if (v > 2047) v -= 4096;  // 12-bit two's complement
      a[k] = v;
    }
  } else {
    for (long long k = 0; k < total; ++k)
      a[k] = static_cast<int16_t>(bytes[2 * k] | (bytes[2 * k + 1] << 8));
  }
  // Samples are interleaved by frame: [samples, signals] -> [signals, samples].
  auto frames = adu.view({nsamp, nsig}).t().to(torch::kFloat);
  auto baseline = torch::empty({nsig, 1}), gain = torch::empty({nsig, 1});
  std::string leads, units;
  for (int i = 0; i < nsig; ++i) {
    baseline[i][0] = sig[i].baseline;
    gain[i][0] = sig[i].gain;
    leads += (i ? "," : "") + sig[i].description;
    units += (i ? "," : "") + sig[i].units;
  }
  auto physical = ((frames - baseline) / gain).contiguous();

  Geometry g = Geometry::identity(1);
  g.spacing[0] = 1.0 / freq;
  Image im(physical, g, PixelType::Float32);
  im.modality = "ECG";
  im.source = hea.string();
  im.meta["fs"] = std::to_string(freq);
  im.meta["signals"] = std::to_string(nsig);
  im.meta["leads"] = leads;
  im.meta["units"] = units;
  return im;
}

}  // namespace medcnn
