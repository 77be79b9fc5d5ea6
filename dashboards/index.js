/** Folder of the console's static files, served by the case API at `/`. */
export const CONSOLE_DIR = new URL('./public/', import.meta.url);
