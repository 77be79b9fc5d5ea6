/** Folder of the console's static files, served by the case API at `/`. */
export declare const CONSOLE_DIR: URL;
