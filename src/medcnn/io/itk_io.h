// Private to io/: NIfTI, NRRD, MetaImage (and single DICOM files) through ITK's
// ImageIO layer, without templates: the file's own component type, dimension
// and number of components decide the tensor (see image.h for the layout).
//
// read_with_itk_io(io, path): reads the whole image with an ImageIO whose
//   information has not been read yet; pixels are copied (never aliased) into
//   a [C, spatial...] tensor; geometry from ITK's spacing, origin, direction
//   (a singular direction becomes the identity, as ITK's reader does). Files
//   with more than 3 dimensions are accepted when the extra ones have size 1.
//   Every itk::ExceptionObject becomes a FormatError naming path.
// write_itk(path, image): .nii, .nii.gz, .nrrd, .nhdr, .mha, .mhd; component
//   type from image.pixel_type, vector pixels for channels > 1; atomic.
#pragma once
#include <itkImageIOBase.h>

#include <string>

#include "medcnn/core/image.h"

namespace medcnn::io_detail {

// Registers the NIfTI, NRRD, MetaImage and GDCM ImageIO factories (once).
void register_itk_factories();

Image read_with_itk_io(itk::ImageIOBase* io, const std::string& path);
Image read_itk(const std::string& path);
void write_itk(const std::string& path, const Image& image);

// One-line reason from an ITK exception (its description without the
// file/line decoration ITK adds).
std::string itk_reason(const itk::ExceptionObject& e);

}  // namespace medcnn::io_detail
