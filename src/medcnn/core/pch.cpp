#include "medcnn/core/pch.h"
