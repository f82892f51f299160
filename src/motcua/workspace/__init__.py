"""Officials' web screens under /can-bo/: reception, worklists, dossier page, leader views, return desk."""
