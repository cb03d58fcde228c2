/* Runs the command-layer fuzz target over files (or every file of folders) without libFuzzer: the hostile-frame
 * regression run of `make -C firmware/engine sanitize-test` under ASan/UBSan. Prints one line per file with -v. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "commands_fuzz.h"

static int verbose;
static unsigned files_run;

static int compare_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void run_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "commands_regression: cannot open %s\n", path);
        exit(2);
    }
    static unsigned char bytes[1 << 20];
    size_t size = fread(bytes, 1, sizeof bytes, f);
    fclose(f);
    if (verbose) fprintf(stderr, "%s (%zu bytes)\n", path, size);
    unsigned char *exact = (unsigned char *)malloc(size ? size : 1); /* exact size: reads past the end are seen */
    memcpy(exact, bytes, size);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    files_run++;
}

static void run_path(const char *path) {
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "commands_regression: no such file or folder: %s\n", path);
        exit(2);
    }
    if (!S_ISDIR(st.st_mode)) {
        run_file(path);
        return;
    }
    DIR *d = opendir(path);
    char **names = NULL;
    size_t count = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.') continue;
        names = (char **)realloc(names, (count + 1) * sizeof *names);
        size_t n = strlen(path) + strlen(e->d_name) + 2;
        names[count] = (char *)malloc(n);
        snprintf(names[count++], n, "%s/%s", path, e->d_name);
    }
    if (d != NULL) closedir(d);
    qsort(names, count, sizeof *names, compare_names);
    for (size_t i = 0; i < count; i++) {
        run_file(names[i]);
        free(names[i]);
    }
    free(names);
}

int main(int argc, char **argv) {
    int paths = 0;
    for (int a = 1; a < argc; a++) {
        if (strcmp(argv[a], "-v") == 0) {
            verbose = 1;
        } else {
            run_path(argv[a]);
            paths++;
        }
    }
    if (paths == 0) {
        fprintf(stderr, "usage: commands_regression [-v] FILE_OR_FOLDER...\n");
        return 2;
    }
    printf("commands_regression: %u hostile-frame scripts ran through firmware/core, every check held\n", files_run);
    return 0;
}
