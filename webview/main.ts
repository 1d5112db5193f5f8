/** Entry of the preview panel's browser bundle. */
export {};
