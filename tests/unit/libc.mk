# SPDX-License-Identifier: MIT
# lib/string.c, lib/stdlib.c, lib/strerror.c and <libc/ctype.h> against the
# host C library. Every function is renamed to k_<name> so that ours live
# beside the host's (see the top of test_libc.c). -U_FORTIFY_SOURCE: no host
# inline wrappers over the renamed names where the distribution fortifies.
UNIT_TESTS += libc
UNIT_SRCS_libc := tests/unit/test_libc.c lib/string.c lib/stdlib.c \
	lib/strerror.c
UNIT_CFLAGS_libc := -U_FORTIFY_SOURCE \
	-Dmemcpy=k_memcpy -Dmemmove=k_memmove -Dmemset=k_memset \
	-Dmemcmp=k_memcmp -Dmemchr=k_memchr -Dstrlen=k_strlen \
	-Dstrnlen=k_strnlen -Dstrcmp=k_strcmp -Dstrncmp=k_strncmp \
	-Dstrcasecmp=k_strcasecmp -Dstrncasecmp=k_strncasecmp \
	-Dstrcpy=k_strcpy -Dstrncpy=k_strncpy -Dstrlcpy=k_strlcpy \
	-Dstrlcat=k_strlcat -Dstrcat=k_strcat -Dstrchr=k_strchr \
	-Dstrrchr=k_strrchr -Dstrstr=k_strstr -Dstrspn=k_strspn \
	-Dstrcspn=k_strcspn -Dstrtok_r=k_strtok_r -Dstrdup=k_strdup \
	-Dstrndup=k_strndup -Dstrerror=k_strerror \
	-Dstrtol=k_strtol -Dstrtoll=k_strtoll -Dstrtoul=k_strtoul \
	-Dstrtoull=k_strtoull -Datoi=k_atoi -Datol=k_atol -Dabs=k_abs \
	-Dlabs=k_labs -Dllabs=k_llabs -Dqsort=k_qsort -Dbsearch=k_bsearch \
	-Disdigit=k_isdigit -Disxdigit=k_isxdigit -Disalpha=k_isalpha \
	-Disalnum=k_isalnum -Disspace=k_isspace -Disupper=k_isupper \
	-Dislower=k_islower -Disprint=k_isprint -Disgraph=k_isgraph \
	-Dispunct=k_ispunct -Discntrl=k_iscntrl -Dtolower=k_tolower \
	-Dtoupper=k_toupper
